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
error-title = Login kunne ikke gennemføres
err-expired = Din login-session er udløbet eller allerede brugt. Gå tilbage til den digitale tjeneste og start forfra.
err-bad-request = Login-anmodningen var ikke gyldig. Gå tilbage til den digitale tjeneste og prøv igen.
err-unavailable = Tjenesten er midlertidigt utilgængelig. Prøv igen om et par minutter.
err-other-browser = Login blev startet i en anden browser, eller din browser blokerede vores cookie. Start forfra fra den digitale tjeneste i denne browser.
err-country = Det valgte land er ikke tilgængeligt lige nu.
err-rejected = Svaret fra dit lands login-tjeneste kunne ikke godkendes.
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
