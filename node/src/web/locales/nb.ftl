# language: nb
# endonym: Norsk (bokmål)
# review-status: unreviewed
# Written with the first release (2026-11) from en; not yet checked by a native speaker.

site = Europeisk eID-innlogging
language = Språk
choose-title = Velg ditt land
choose-intro = { $service } ber deg logge inn med den elektroniske identifikasjonen (eID) fra ditt land.
countries-legend = Land som kan tilby denne innloggingen
countries-count =
    { $count ->
        [one] { $count } land
       *[other] { $count } land
    }
test-mark = testland
degraded-notice = — landets innloggingstjeneste har problemer akkurat nå
cancel = Avbryt og gå tilbake til tjenesten
no-countries = Ingen land kan for øyeblikket tilby innloggingen denne tjenesten krever.
redirect-title = Du sendes videre til innloggingen i ditt land
redirect-body = Du sendes til innloggingstjenesten i ditt land. Hvis ingenting skjer, trykk Fortsett.
continue = Fortsett
err-expired = Innloggingsøkten din er utløpt eller allerede brukt. Gå tilbake til e-tjenesten og start på nytt.
err-bad-request = Innloggingsforespørselen var ikke gyldig. Gå tilbake til e-tjenesten og prøv igjen.
err-unavailable = Tjenesten er midlertidig utilgjengelig. Prøv igjen om noen minutter.
err-other-browser = Innloggingen ble startet i en annen nettleser, eller nettleseren blokkerte informasjonskapselen vår. Start på nytt fra e-tjenesten i denne nettleseren.
err-country = Det valgte landet er ikke tilgjengelig akkurat nå.
reference-intro = Hvis problemet vedvarer, kontakt e-tjenesten og oppgi denne referansen:
not-found = Siden finnes ikke.
filter-label = Finn landet ditt
filter-button = Søk
filter-none = Ingen land passer med søket ditt.
filter-all = Vis alle land
remember = Husk landet mitt på denne enheten
remembered = Landet ditt er lagret på denne enheten:
forget = Glem landet mitt
missing-title = Landet mitt står ikke på listen
missing-body = Et land kan mangle for denne e-tjenesten fordi det ikke er tilkoblet ennå, fordi eID-en ikke kan gi sikkerhetsnivået eller opplysningene e-tjenesten trenger, eller fordi innloggingstjenesten er midlertidig trukket tilbake. Gå tilbake til e-tjenesten for å finne en annen måte å logge inn på.
support-link = Hjelp og brukerstøtte
privacy-link = Personvern
back-to-service = Tilbake til e-tjenesten
title-expired = Innloggingsøkten din er avsluttet
title-bad-request = Innloggingsforespørselen var ugyldig
title-unavailable = Tjenesten er midlertidig utilgjengelig
title-other-browser = Innloggingen ble startet i en annen nettleser
title-country-unavailable = Landet er ikke tilgjengelig
title-cancelled = Innloggingen ble avbrutt
title-refused = Identiteten din kunne ikke bekreftes
title-country-failed = Innloggingstjenesten i landet ditt hadde et problem
title-not-found = Siden ble ikke funnet
err-cancelled = Innloggingen ble avbrutt hos eID-tjenesten i landet ditt, så ingen opplysninger om deg ble sendt. Du kan prøve igjen eller gå tilbake til e-tjenesten.
err-refused = eID-tjenesten i landet ditt bekreftet ikke identiteten din, for eksempel etter feil PIN-kode eller med en utløpt eID. Kontroller eID-en din og prøv igjen, eller gå tilbake til e-tjenesten.
err-country-failed = eID-tjenesten i landet ditt meldte om en feil, eller svaret kunne ikke godtas. Det er ikke din feil. Prøv igjen om noen minutter, eller gå tilbake til e-tjenesten.
try-again = Prøv igjen
support-intro = Du kan få hjelp hos:
copy-reference = Kopier referansen
copied = Referansen er kopiert
wallet-option = EUs lommebok for digital identitet
wallet-or = Eller velg landet til din nasjonale eID:
wallet-title = Logg inn med EUs lommebok for digital identitet
wallet-body = Åpne lommeboken på denne enheten og del personidentifikasjonsdataene dine (PID). Lommeboken sender deg deretter tilbake hit.
wallet-open = Åpne lommeboken min
wallet-qr-intro = Er lommeboken på en annen enhet? Skann denne koden med lommebokappen, eller åpne lenken der.
wallet-qr-label = QR-kode for lommeboken din
wallet-cross-link = Lenke for lommeboken din på en annen enhet
wallet-waiting = Venter på lommeboken din …
wallet-continue = Jeg har svart i lommeboken
