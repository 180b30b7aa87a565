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
error-title = Prijavu nije bilo moguće dovršiti
err-expired = Vaša sesija prijave je istekla ili je već iskorištena. Vratite se na e-uslugu i počnite ispočetka.
err-bad-request = Zahtjev za prijavu nije bio valjan. Vratite se na e-uslugu i pokušajte ponovno.
err-unavailable = Usluga je privremeno nedostupna. Pokušajte ponovno za nekoliko minuta.
err-other-browser = Ova je prijava započeta u drugom pregledniku ili je vaš preglednik blokirao naš kolačić. Počnite ispočetka s e-usluge u ovom pregledniku.
err-country = Odabrana zemlja trenutačno nije dostupna.
err-rejected = Odgovor usluge prijave vaše zemlje nije bilo moguće prihvatiti.
reference-intro = Ako se problem nastavi, obratite se e-usluzi i navedite ovu referencu:
not-found = Ova stranica ne postoji.
