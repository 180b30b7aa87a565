# language: sl
# endonym: Slovenščina
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Evropska prijava z eID
language = Jezik
choose-title = Izberite svojo državo
choose-intro = { $service } vas prosi, da se prijavite z elektronsko identifikacijo (eID) svoje države.
countries-legend = Države, ki lahko zagotovijo to prijavo
countries-count =
    { $count ->
        [one] { $count } država
        [two] { $count } državi
        [few] { $count } države
       *[other] { $count } držav
    }
test-mark = testna država
degraded-notice = – prijavna storitev te države ima trenutno težave
cancel = Prekliči in se vrni na storitev
no-countries = Trenutno nobena država ne more zagotoviti prijave, ki jo zahteva ta storitev.
redirect-title = Nadaljevanje na prijavo v vaši državi
redirect-body = Preusmerjamo vas na prijavno storitev vaše države. Če se nič ne zgodi, pritisnite Nadaljuj.
continue = Nadaljuj
err-expired = Vaša prijavna seja je potekla ali je bila že uporabljena. Vrnite se na e-storitev in začnite znova.
err-bad-request = Zahteva za prijavo ni bila veljavna. Vrnite se na e-storitev in poskusite znova.
err-unavailable = Storitev začasno ni na voljo. Poskusite znova čez nekaj minut.
err-other-browser = Ta prijava se je začela v drugem brskalniku ali pa je vaš brskalnik blokiral naš piškotek. Začnite znova z e-storitve v tem brskalniku.
err-country = Izbrana država trenutno ni na voljo.
reference-intro = Če težava ne izgine, se obrnite na e-storitev in navedite to referenco:
not-found = Ta stran ne obstaja.
filter-label = Poiščite svojo državo
filter-button = Išči
filter-none = Nobena država se ne ujema z iskanjem.
filter-all = Prikaži vse države
remember = Zapomni si mojo državo v tej napravi
remembered = Vaša država je shranjena v tej napravi:
forget = Pozabi mojo državo
missing-title = Moje države ni na seznamu
missing-body = Država lahko za to e-storitev manjka, ker še ni povezana, ker njena eID ne more zagotoviti ravni zanesljivosti ali podatkov, ki jih storitev potrebuje, ali ker je njena prijavna storitev začasno umaknjena. Vrnite se na e-storitev in poiščite drug način prijave.
support-link = Pomoč in podpora
privacy-link = Zasebnost
back-to-service = Nazaj na e-storitev
title-expired = Vaša seja prijave se je končala
title-bad-request = Zahteva za prijavo ni bila veljavna
title-unavailable = Storitev začasno ni na voljo
title-other-browser = Prijava se je začela v drugem brskalniku
title-country-unavailable = Država ni na voljo
title-cancelled = Prijava je bila preklicana
title-refused = Vaše identitete ni bilo mogoče potrditi
title-country-failed = Storitev prijave vaše države je imela težavo
title-not-found = Strani ni mogoče najti
err-cancelled = Prijava je bila preklicana v storitvi elektronske identifikacije vaše države, zato o vas ni bil poslan noben podatek. Lahko poskusite znova ali se vrnete na e-storitev.
err-refused = Storitev elektronske identifikacije vaše države ni potrdila vaše identitete, na primer po napačni kodi PIN ali s potečenim sredstvom eID. Preverite svoje sredstvo eID in poskusite znova ali se vrnite na e-storitev.
err-country-failed = Storitev elektronske identifikacije vaše države je sporočila napako ali njenega odgovora ni bilo mogoče sprejeti. To ni vaša krivda. Poskusite znova čez nekaj minut ali se vrnite na e-storitev.
try-again = Poskusi znova
support-intro = Pomoč lahko dobite pri:
copy-reference = Kopiraj referenco
copied = Referenca je kopirana
wallet-option = Denarnica za digitalno identiteto EU
wallet-or = Ali izberite državo svoje nacionalne e-identitete:
wallet-title = Prijava z denarnico za digitalno identiteto EU
wallet-body = Odprite denarnico v tej napravi in delite svoje osebne identifikacijske podatke (PID). Denarnica vas bo nato vrnila sem.
wallet-open = Odpri mojo denarnico
wallet-qr-intro = Je denarnica v drugi napravi? Skenirajte to kodo z aplikacijo denarnice ali tam odprite povezavo.
wallet-qr-label = Koda QR za vašo denarnico
wallet-cross-link = Povezava za denarnico v drugi napravi
wallet-waiting = Čakamo na vašo denarnico …
wallet-continue = V denarnici sem odgovoril(a)
