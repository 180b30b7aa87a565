# language: lt
# endonym: Lietuvių
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Europinis prisijungimas su eID
language = Kalba
choose-title = Pasirinkite savo šalį
choose-intro = { $service } prašo jūsų prisijungti naudojant savo šalies elektroninę atpažintį (eID).
countries-legend = Šalys, galinčios suteikti šį prisijungimą
countries-count =
    { $count ->
        [one] { $count } šalis
        [few] { $count } šalys
        [many] { $count } šalies
       *[other] { $count } šalių
    }
test-mark = bandomoji šalis
degraded-notice = – šios šalies prisijungimo paslauga šiuo metu veikia su trikdžiais
cancel = Atšaukti ir grįžti į paslaugą
no-countries = Šiuo metu nė viena šalis negali suteikti šiai paslaugai reikalingo prisijungimo.
redirect-title = Tęsiama į jūsų šalies prisijungimą
redirect-body = Esate nukreipiami į savo šalies prisijungimo paslaugą. Jei nieko nevyksta, paspauskite Tęsti.
continue = Tęsti
err-expired = Jūsų prisijungimo sesija baigėsi arba jau buvo panaudota. Grįžkite į e. paslaugą ir pradėkite iš naujo.
err-bad-request = Prisijungimo užklausa buvo negaliojanti. Grįžkite į e. paslaugą ir bandykite dar kartą.
err-unavailable = Paslauga laikinai nepasiekiama. Bandykite dar kartą po kelių minučių.
err-other-browser = Šis prisijungimas pradėtas kitoje naršyklėje arba jūsų naršyklė užblokavo mūsų slapuką. Pradėkite iš naujo nuo e. paslaugos šioje naršyklėje.
err-country = Pasirinkta šalis šiuo metu nepasiekiama.
reference-intro = Jei problema kartojasi, susisiekite su e. paslauga ir nurodykite šį numerį:
not-found = Šio puslapio nėra.
filter-label = Raskite savo šalį
filter-button = Ieškoti
filter-none = Nė viena šalis neatitinka paieškos.
filter-all = Rodyti visas šalis
remember = Įsiminti mano šalį šiame įrenginyje
remembered = Jūsų šalis įsiminta šiame įrenginyje:
forget = Pamiršti mano šalį
missing-title = Mano šalies nėra sąraše
missing-body = Šalies šiai e. paslaugai gali trūkti, nes ji dar neprijungta, nes jos eID negali suteikti paslaugai reikalingo patikimumo lygio ar duomenų, arba nes jos prisijungimo paslauga laikinai atšaukta. Grįžkite į e. paslaugą ir raskite kitą prisijungimo būdą.
support-link = Pagalba ir palaikymas
privacy-link = Privatumas
back-to-service = Grįžti į e. paslaugą
title-expired = Jūsų prisijungimo sesija baigėsi
title-bad-request = Prisijungimo užklausa buvo netinkama
title-unavailable = Paslauga laikinai nepasiekiama
title-other-browser = Prisijungimas pradėtas kitoje naršyklėje
title-country-unavailable = Šalis nepasiekiama
title-cancelled = Prisijungimas atšauktas
title-refused = Jūsų tapatybės patvirtinti nepavyko
title-country-failed = Jūsų šalies prisijungimo paslaugoje kilo problema
title-not-found = Puslapis nerastas
err-cancelled = Prisijungimas atšauktas jūsų šalies elektroninės atpažinties paslaugoje, todėl jokie duomenys apie jus nebuvo išsiųsti. Galite bandyti dar kartą arba grįžti į e. paslaugą.
err-refused = Jūsų šalies elektroninės atpažinties paslauga nepatvirtino jūsų tapatybės, pavyzdžiui, įvedus neteisingą PIN kodą arba naudojant nebegaliojančią eID priemonę. Patikrinkite savo eID priemonę ir bandykite dar kartą arba grįžkite į e. paslaugą.
err-country-failed = Jūsų šalies elektroninės atpažinties paslauga pranešė apie klaidą arba jos atsakymo nepavyko priimti. Tai ne jūsų kaltė. Bandykite dar kartą po kelių minučių arba grįžkite į e. paslaugą.
try-again = Bandyti dar kartą
support-intro = Pagalbos galite kreiptis:
copy-reference = Kopijuoti nuorodos numerį
copied = Nuorodos numeris nukopijuotas
wallet-option = ES skaitmeninės tapatybės piniginė
wallet-or = Arba pasirinkite savo nacionalinės eID šalį:
wallet-title = Prisijungimas su ES skaitmeninės tapatybės pinigine
wallet-body = Atidarykite piniginę šiame įrenginyje ir pasidalykite savo asmens tapatybės duomenimis (PID). Tada piniginė jus grąžins čia.
wallet-open = Atidaryti mano piniginę
wallet-qr-intro = Piniginė kitame įrenginyje? Nuskaitykite šį kodą piniginės programėle arba atidarykite nuorodą ten.
wallet-qr-label = QR kodas jūsų piniginei
wallet-cross-link = Nuoroda jūsų piniginei kitame įrenginyje
wallet-waiting = Laukiama jūsų piniginės…
wallet-continue = Atsakiau savo piniginėje
