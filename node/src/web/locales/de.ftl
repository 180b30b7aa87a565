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
err-expired = Ihre Anmeldesitzung ist abgelaufen oder wurde bereits verwendet. Kehren Sie zum Online-Dienst zurück und beginnen Sie erneut.
err-bad-request = Die Anmeldeanfrage war ungültig. Kehren Sie zum Online-Dienst zurück und versuchen Sie es erneut.
err-unavailable = Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Minuten erneut.
err-other-browser = Diese Anmeldung wurde in einem anderen Browser begonnen, oder Ihr Browser hat unser Cookie blockiert. Beginnen Sie in diesem Browser erneut beim Online-Dienst.
err-country = Das gewählte Land ist derzeit nicht verfügbar.
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
title-expired = Ihre Anmeldesitzung ist beendet
title-bad-request = Die Anmeldeanfrage war ungültig
title-unavailable = Dienst vorübergehend nicht verfügbar
title-other-browser = Anmeldung in einem anderen Browser begonnen
title-country-unavailable = Land nicht verfügbar
title-cancelled = Die Anmeldung wurde abgebrochen
title-refused = Ihre Identität konnte nicht bestätigt werden
title-country-failed = Der Anmeldedienst Ihres Landes hatte ein Problem
title-not-found = Seite nicht gefunden
err-cancelled = Die Anmeldung wurde beim eID-Dienst Ihres Landes abgebrochen, daher wurden keine Daten über Sie übermittelt. Sie können es erneut versuchen oder zum Online-Dienst zurückkehren.
err-refused = Der eID-Dienst Ihres Landes hat Ihre Identität nicht bestätigt, zum Beispiel nach einer falschen PIN oder mit einer abgelaufenen eID. Prüfen Sie Ihre eID und versuchen Sie es erneut, oder kehren Sie zum Online-Dienst zurück.
err-country-failed = Der eID-Dienst Ihres Landes hat einen Fehler gemeldet, oder seine Antwort konnte nicht akzeptiert werden. Das liegt nicht an Ihnen. Versuchen Sie es in einigen Minuten erneut, oder kehren Sie zum Online-Dienst zurück.
try-again = Erneut versuchen
support-intro = Hilfe erhalten Sie bei:
copy-reference = Referenz kopieren
copied = Referenz kopiert
wallet-option = EU-Brieftasche für die digitale Identität
wallet-or = Oder wählen Sie das Land Ihrer nationalen eID:
wallet-title = Mit Ihrer EU-Brieftasche für die digitale Identität anmelden
wallet-body = Öffnen Sie Ihre Brieftasche auf diesem Gerät und geben Sie Ihre Personenidentifizierungsdaten (PID) frei. Danach bringt Sie die Brieftasche hierher zurück.
wallet-open = Brieftasche öffnen
wallet-qr-intro = Ihre Brieftasche ist auf einem anderen Gerät? Scannen Sie diesen Code mit der Brieftaschen-App oder öffnen Sie dort den Link.
wallet-qr-label = QR-Code für Ihre Brieftasche
wallet-cross-link = Link für Ihre Brieftasche auf einem anderen Gerät
wallet-waiting = Warten auf Ihre Brieftasche …
wallet-continue = Ich habe in meiner Brieftasche geantwortet
