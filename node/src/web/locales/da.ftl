# language: da
# endonym: Dansk
# review-status: unreviewed
# Written with the first release (2026-11) from en; not yet checked by a native speaker.

site = Europæisk eID-login
language = Sprog
choose-title = Vælg dit land
choose-intro = { $service } beder dig logge ind med dit lands elektroniske identifikation (eID).
countries-legend = Lande, der kan tilbyde dette login
countries-count =
    { $count ->
        [one] { $count } land
       *[other] { $count } lande
    }
test-mark = testland
degraded-notice = — landets login-tjeneste har problemer lige nu
cancel = Annuller og vend tilbage til tjenesten
no-countries = Intet land kan i øjeblikket tilbyde det login, som tjenesten kræver.
redirect-title = Du sendes videre til dit lands login
redirect-body = Du sendes til login-tjenesten i dit land. Hvis der ikke sker noget, så tryk på Fortsæt.
continue = Fortsæt
err-expired = Din login-session er udløbet eller allerede brugt. Gå tilbage til den digitale tjeneste og start forfra.
err-bad-request = Login-anmodningen var ikke gyldig. Gå tilbage til den digitale tjeneste og prøv igen.
err-unavailable = Tjenesten er midlertidigt utilgængelig. Prøv igen om et par minutter.
err-other-browser = Login blev startet i en anden browser, eller din browser blokerede vores cookie. Start forfra fra den digitale tjeneste i denne browser.
err-country = Det valgte land er ikke tilgængeligt lige nu.
reference-intro = Hvis problemet fortsætter, så kontakt den digitale tjeneste og oplys denne reference:
not-found = Siden findes ikke.
filter-label = Find dit land
filter-button = Søg
filter-none = Intet land passer til din søgning.
filter-all = Vis alle lande
remember = Husk mit land på denne enhed
remembered = Dit land er gemt på denne enhed:
forget = Glem mit land
missing-title = Mit land er ikke på listen
missing-body = Et land kan mangle for denne digitale tjeneste, fordi det endnu ikke er tilsluttet, fordi dets eID ikke kan give det sikringsniveau eller de oplysninger, tjenesten har brug for, eller fordi dets login-tjeneste midlertidigt er trukket tilbage. Gå tilbage til den digitale tjeneste for at finde en anden måde at logge ind på.
support-link = Hjælp og support
privacy-link = Privatliv
back-to-service = Tilbage til den digitale tjeneste
title-expired = Din login-session er udløbet
title-bad-request = Login-anmodningen var ugyldig
title-unavailable = Tjenesten er midlertidigt utilgængelig
title-other-browser = Login startet i en anden browser
title-country-unavailable = Landet er ikke tilgængeligt
title-cancelled = Login blev annulleret
title-refused = Din identitet kunne ikke bekræftes
title-country-failed = Dit lands login-tjeneste havde et problem
title-not-found = Siden blev ikke fundet
err-cancelled = Login blev annulleret hos dit lands eID-tjeneste, så der blev ikke sendt nogen oplysninger om dig. Du kan prøve igen eller gå tilbage til den digitale tjeneste.
err-refused = Dit lands eID-tjeneste bekræftede ikke din identitet, for eksempel efter en forkert PIN-kode eller med et udløbet eID. Kontrollér dit eID og prøv igen, eller gå tilbage til den digitale tjeneste.
err-country-failed = Dit lands eID-tjeneste meldte en fejl, eller dens svar kunne ikke accepteres. Det er ikke din skyld. Prøv igen om et par minutter, eller gå tilbage til den digitale tjeneste.
try-again = Prøv igen
support-intro = Du kan få hjælp hos:
copy-reference = Kopiér reference
copied = Referencen er kopieret
wallet-option = EU-tegnebog til digital identitet
wallet-or = Eller vælg landet for dit nationale eID:
wallet-title = Log ind med din EU-tegnebog til digital identitet
wallet-body = Åbn din tegnebog på denne enhed, og del dine personidentifikationsoplysninger (PID). Tegnebogen sender dig derefter tilbage hertil.
wallet-open = Åbn min tegnebog
wallet-qr-intro = Er din tegnebog på en anden enhed? Scan denne kode med tegnebogsappen, eller åbn linket dér.
wallet-qr-label = QR-kode til din tegnebog
wallet-cross-link = Link til din tegnebog på en anden enhed
wallet-waiting = Venter på din tegnebog…
wallet-continue = Jeg har svaret i min tegnebog
