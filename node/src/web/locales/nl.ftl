# language: nl
# endonym: Nederlands
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Europese eID-aanmelding
language = Taal
choose-title = Kies uw land
choose-intro = { $service } vraagt u in te loggen met de elektronische identificatie (eID) van uw land.
countries-legend = Landen die deze aanmelding kunnen leveren
countries-count =
    { $count ->
        [one] { $count } land
       *[other] { $count } landen
    }
test-mark = testland
degraded-notice = — de aanmelddienst van dit land heeft op dit moment problemen
cancel = Annuleren en terug naar de dienst
no-countries = Op dit moment kan geen enkel land de aanmelding leveren die deze dienst vereist.
redirect-title = Verder naar de aanmelding van uw land
redirect-body = U wordt doorgestuurd naar de aanmelddienst van uw land. Als er niets gebeurt, druk dan op Doorgaan.
continue = Doorgaan
err-expired = Uw aanmeldsessie is verlopen of al gebruikt. Ga terug naar de e-dienst en begin opnieuw.
err-bad-request = Het aanmeldverzoek was niet geldig. Ga terug naar de e-dienst en probeer het opnieuw.
err-unavailable = De dienst is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw.
err-other-browser = Deze aanmelding is in een andere browser gestart, of uw browser heeft onze cookie geblokkeerd. Begin in deze browser opnieuw bij de e-dienst.
err-country = Het gekozen land is op dit moment niet beschikbaar.
reference-intro = Neem bij aanhoudende problemen contact op met de e-dienst en vermeld deze referentie:
not-found = Deze pagina bestaat niet.
filter-label = Zoek uw land
filter-button = Zoeken
filter-none = Geen land komt overeen met uw zoekopdracht.
filter-all = Alle landen tonen
remember = Mijn land onthouden op dit apparaat
remembered = Uw land is onthouden op dit apparaat:
forget = Mijn land vergeten
missing-title = Mijn land staat niet in de lijst
missing-body = Een land kan ontbreken voor deze e-dienst omdat het nog niet is aangesloten, omdat zijn eID het betrouwbaarheidsniveau of de gegevens die deze dienst nodig heeft niet kan leveren, of omdat zijn aanmelddienst tijdelijk is ingetrokken. Ga terug naar de e-dienst om een andere manier te vinden om in te loggen.
support-link = Hulp en ondersteuning
privacy-link = Privacyverklaring
back-to-service = Terug naar de e-dienst
title-expired = Uw inlogsessie is beëindigd
title-bad-request = Het inlogverzoek was ongeldig
title-unavailable = Dienst tijdelijk niet beschikbaar
title-other-browser = Inloggen is in een andere browser gestart
title-country-unavailable = Land niet beschikbaar
title-cancelled = Het inloggen is geannuleerd
title-refused = Uw identiteit kon niet worden bevestigd
title-country-failed = De inlogdienst van uw land had een probleem
title-not-found = Pagina niet gevonden
err-cancelled = Het inloggen is geannuleerd bij de eID-dienst van uw land, dus er zijn geen gegevens over u verstuurd. U kunt het opnieuw proberen of teruggaan naar de e-dienst.
err-refused = De eID-dienst van uw land heeft uw identiteit niet bevestigd, bijvoorbeeld na een verkeerde pincode of met een verlopen eID. Controleer uw eID en probeer het opnieuw, of ga terug naar de e-dienst.
err-country-failed = De eID-dienst van uw land heeft een fout gemeld, of het antwoord kon niet worden geaccepteerd. Dit ligt niet aan u. Probeer het over enkele minuten opnieuw, of ga terug naar de e-dienst.
try-again = Opnieuw proberen
support-intro = U kunt hulp krijgen via:
copy-reference = Referentie kopiëren
copied = Referentie gekopieerd
wallet-option = EU-portemonnee voor digitale identiteit
wallet-or = Of kies het land van uw nationale eID:
wallet-title = Inloggen met uw EU-portemonnee voor digitale identiteit
wallet-body = Open uw portemonnee op dit apparaat en deel uw persoonsidentificatiegegevens (PID). Daarna brengt uw portemonnee u hier terug.
wallet-open = Mijn portemonnee openen
wallet-qr-intro = Staat uw portemonnee op een ander apparaat? Scan deze code met de portemonnee-app of open daar de link.
wallet-qr-label = QR-code voor uw portemonnee
wallet-cross-link = Link voor uw portemonnee op een ander apparaat
wallet-waiting = Wachten op uw portemonnee…
wallet-continue = Ik heb in mijn portemonnee geantwoord
