# language: hr
# endonym: Hrvatski
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Europska prijava s eID-om
language = Jezik
choose-title = Odaberite svoju zemlju
choose-intro = { $service } traži da se prijavite elektroničkom identifikacijom (eID) svoje zemlje.
countries-legend = Zemlje koje mogu omogućiti ovu prijavu
countries-count =
    { $count ->
        [one] { $count } zemlja
        [few] { $count } zemlje
       *[other] { $count } zemalja
    }
test-mark = testna zemlja
degraded-notice = – usluga prijave ove zemlje trenutačno ima poteškoća
cancel = Odustani i vrati se na uslugu
no-countries = Trenutačno nijedna zemlja ne može omogućiti prijavu koju ova usluga zahtijeva.
redirect-title = Nastavak na prijavu u vašoj zemlji
redirect-body = Preusmjeravamo vas na uslugu prijave vaše zemlje. Ako se ništa ne dogodi, pritisnite Nastavi.
continue = Nastavi
err-expired = Vaša sesija prijave je istekla ili je već iskorištena. Vratite se na e-uslugu i počnite ispočetka.
err-bad-request = Zahtjev za prijavu nije bio valjan. Vratite se na e-uslugu i pokušajte ponovno.
err-unavailable = Usluga je privremeno nedostupna. Pokušajte ponovno za nekoliko minuta.
err-other-browser = Ova je prijava započeta u drugom pregledniku ili je vaš preglednik blokirao naš kolačić. Počnite ispočetka s e-usluge u ovom pregledniku.
err-country = Odabrana zemlja trenutačno nije dostupna.
reference-intro = Ako se problem nastavi, obratite se e-usluzi i navedite ovu referencu:
not-found = Ova stranica ne postoji.
filter-label = Pronađite svoju zemlju
filter-button = Traži
filter-none = Nijedna zemlja ne odgovara pretrazi.
filter-all = Prikaži sve zemlje
remember = Zapamti moju zemlju na ovom uređaju
remembered = Vaša je zemlja spremljena na ovom uređaju:
forget = Zaboravi moju zemlju
missing-title = Moje zemlje nema na popisu
missing-body = Zemlja može nedostajati za ovu e-uslugu jer još nije povezana, jer njezin eID ne može pružiti razinu jamstva ili podatke koje usluga treba ili jer je njezina usluga prijave privremeno povučena. Vratite se na e-uslugu kako biste pronašli drugi način prijave.
support-link = Pomoć i podrška
privacy-link = Privatnost
back-to-service = Natrag na e-uslugu
title-expired = Vaša sesija prijave je završila
title-bad-request = Zahtjev za prijavu nije bio valjan
title-unavailable = Usluga je privremeno nedostupna
title-other-browser = Prijava je započeta u drugom pregledniku
title-country-unavailable = Zemlja nije dostupna
title-cancelled = Prijava je otkazana
title-refused = Vaš identitet nije bilo moguće potvrditi
title-country-failed = Usluga prijave vaše zemlje imala je problem
title-not-found = Stranica nije pronađena
err-cancelled = Prijava je otkazana u usluzi elektroničke identifikacije vaše zemlje, pa nikakvi podaci o vama nisu poslani. Možete pokušati ponovno ili se vratiti na e-uslugu.
err-refused = Usluga elektroničke identifikacije vaše zemlje nije potvrdila vaš identitet, na primjer nakon pogrešnog PIN-a ili s isteklim eID-om. Provjerite svoj eID i pokušajte ponovno ili se vratite na e-uslugu.
err-country-failed = Usluga elektroničke identifikacije vaše zemlje prijavila je pogrešku ili njezin odgovor nije mogao biti prihvaćen. To nije vaša krivnja. Pokušajte ponovno za nekoliko minuta ili se vratite na e-uslugu.
try-again = Pokušaj ponovno
support-intro = Pomoć možete dobiti na:
copy-reference = Kopiraj referencu
copied = Referenca je kopirana
wallet-option = Lisnica za digitalni identitet EU-a
wallet-or = Ili odaberite zemlju svojeg nacionalnog eID-a:
wallet-title = Prijava lisnicom za digitalni identitet EU-a
wallet-body = Otvorite lisnicu na ovom uređaju i podijelite svoje osobne identifikacijske podatke (PID). Lisnica će vas zatim vratiti ovamo.
wallet-open = Otvori moju lisnicu
wallet-qr-intro = Je li vaša lisnica na drugom uređaju? Skenirajte ovaj kod aplikacijom lisnice ili ondje otvorite poveznicu.
wallet-qr-label = QR kod za vašu lisnicu
wallet-cross-link = Poveznica za vašu lisnicu na drugom uređaju
wallet-waiting = Čeka se vaša lisnica…
wallet-continue = Odgovorio sam u lisnici
