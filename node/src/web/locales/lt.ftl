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
error-title = Prisijungimo užbaigti nepavyko
err-expired = Jūsų prisijungimo sesija baigėsi arba jau buvo panaudota. Grįžkite į e. paslaugą ir pradėkite iš naujo.
err-bad-request = Prisijungimo užklausa buvo negaliojanti. Grįžkite į e. paslaugą ir bandykite dar kartą.
err-unavailable = Paslauga laikinai nepasiekiama. Bandykite dar kartą po kelių minučių.
err-other-browser = Šis prisijungimas pradėtas kitoje naršyklėje arba jūsų naršyklė užblokavo mūsų slapuką. Pradėkite iš naujo nuo e. paslaugos šioje naršyklėje.
err-country = Pasirinkta šalis šiuo metu nepasiekiama.
err-rejected = Jūsų šalies prisijungimo paslaugos atsakymo nepavyko priimti.
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
