# language: de
# endonym: Deutsch
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Europäische eID-Anmeldung
language = Sprache
choose-title = Wählen Sie Ihr Land
choose-intro = { $service } bittet Sie, sich mit der elektronischen Identifizierung (eID) Ihres Landes anzumelden.
countries-legend = Länder, die diese Anmeldung anbieten können
countries-count =
    { $count ->
        [one] { $count } Land
       *[other] { $count } Länder
    }
test-mark = Testland
degraded-notice = – der Anmeldedienst dieses Landes hat derzeit Probleme
cancel = Abbrechen und zum Dienst zurückkehren
no-countries = Derzeit kann kein Land die Anmeldung anbieten, die dieser Dienst verlangt.
redirect-title = Weiter zur Anmeldung Ihres Landes
redirect-body = Sie werden zum Anmeldedienst Ihres Landes weitergeleitet. Falls nichts geschieht, drücken Sie auf Weiter.
continue = Weiter
error-title = Die Anmeldung konnte nicht abgeschlossen werden
err-expired = Ihre Anmeldesitzung ist abgelaufen oder wurde bereits verwendet. Kehren Sie zum Online-Dienst zurück und beginnen Sie erneut.
err-bad-request = Die Anmeldeanfrage war ungültig. Kehren Sie zum Online-Dienst zurück und versuchen Sie es erneut.
err-unavailable = Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Minuten erneut.
err-other-browser = Diese Anmeldung wurde in einem anderen Browser begonnen, oder Ihr Browser hat unser Cookie blockiert. Beginnen Sie in diesem Browser erneut beim Online-Dienst.
err-country = Das gewählte Land ist derzeit nicht verfügbar.
err-rejected = Die Antwort des Anmeldedienstes Ihres Landes konnte nicht akzeptiert werden.
reference-intro = Wenn das Problem weiter besteht, wenden Sie sich an den Online-Dienst und nennen Sie diese Referenz:
not-found = Diese Seite existiert nicht.
filter-label = Land suchen
filter-button = Suchen
filter-none = Kein Land entspricht Ihrer Suche.
filter-all = Alle Länder anzeigen
remember = Mein Land auf diesem Gerät merken
remembered = Ihr Land ist auf diesem Gerät gespeichert:
forget = Mein Land vergessen
missing-title = Mein Land ist nicht in der Liste
missing-body = Ein Land kann für diesen Online-Dienst fehlen, weil es noch nicht angebunden ist, weil seine eID das Vertrauensniveau oder die Daten nicht liefern kann, die der Dienst benötigt, oder weil sein Anmeldedienst vorübergehend zurückgezogen ist. Kehren Sie zum Online-Dienst zurück, um einen anderen Weg der Anmeldung zu finden.
support-link = Hilfe und Support
privacy-link = Datenschutz
back-to-service = Zurück zum Online-Dienst
