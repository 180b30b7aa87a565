# language: et
# endonym: Eesti
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Euroopa eID-sisselogimine
language = Keel
choose-title = Valige oma riik
choose-intro = { $service } palub teil sisse logida oma riigi elektroonilise identimisega (eID).
countries-legend = Riigid, mis saavad seda sisselogimist pakkuda
countries-count =
    { $count ->
        [one] { $count } riik
       *[other] { $count } riiki
    }
test-mark = testriik
degraded-notice = – selle riigi sisselogimisteenusel on praegu probleeme
cancel = Tühista ja naase teenuse juurde
no-countries = Ükski riik ei saa praegu pakkuda sisselogimist, mida see teenus nõuab.
redirect-title = Edasi teie riigi sisselogimisse
redirect-body = Teid suunatakse teie riigi sisselogimisteenusesse. Kui midagi ei juhtu, vajutage Jätka.
continue = Jätka
err-expired = Teie sisselogimisseanss on aegunud või juba kasutatud. Naaske e-teenuse juurde ja alustage uuesti.
err-bad-request = Sisselogimispäring ei olnud kehtiv. Naaske e-teenuse juurde ja proovige uuesti.
err-unavailable = Teenus on ajutiselt kättesaamatu. Proovige mõne minuti pärast uuesti.
err-other-browser = See sisselogimine alustati teises brauseris või teie brauser blokeeris meie küpsise. Alustage selles brauseris uuesti e-teenusest.
err-country = Valitud riik ei ole praegu saadaval.
reference-intro = Kui probleem püsib, võtke ühendust e-teenusega ja esitage see viide:
not-found = Seda lehte ei ole olemas.
filter-label = Leidke oma riik
filter-button = Otsi
filter-none = Ükski riik ei vasta otsingule.
filter-all = Näita kõiki riike
remember = Jäta minu riik selles seadmes meelde
remembered = Teie riik on selles seadmes meeles:
forget = Unusta minu riik
missing-title = Minu riiki ei ole loendis
missing-body = Riik võib selle e-teenuse jaoks puududa, sest see ei ole veel ühendatud, sest selle eID ei suuda pakkuda teenusele vajalikku usaldusväärsuse taset või andmeid, või sest selle sisselogimisteenus on ajutiselt peatatud. Naaske e-teenuse juurde, et leida muu viis sisse logida.
support-link = Abi ja tugi
privacy-link = Privaatsus
back-to-service = Tagasi e-teenuse juurde
title-expired = Teie sisselogimise seanss on lõppenud
title-bad-request = Sisselogimise päring ei olnud kehtiv
title-unavailable = Teenus on ajutiselt kättesaamatu
title-other-browser = Sisselogimist alustati teises brauseris
title-country-unavailable = Riik ei ole saadaval
title-cancelled = Sisselogimine katkestati
title-refused = Teie isikut ei õnnestunud kinnitada
title-country-failed = Teie riigi sisselogimisteenusel tekkis probleem
title-not-found = Lehte ei leitud
err-cancelled = Sisselogimine katkestati teie riigi e-identimise teenuses, seega teie kohta andmeid ei saadetud. Võite uuesti proovida või naasta e-teenuse juurde.
err-refused = Teie riigi e-identimise teenus ei kinnitanud teie isikut, näiteks vale PIN-koodi või aegunud eID tõttu. Kontrollige oma eID-d ja proovige uuesti või naaske e-teenuse juurde.
err-country-failed = Teie riigi e-identimise teenus teatas veast või selle vastust ei saanud vastu võtta. See ei ole teie süü. Proovige mõne minuti pärast uuesti või naaske e-teenuse juurde.
try-again = Proovi uuesti
support-intro = Abi saate:
copy-reference = Kopeeri viide
copied = Viide kopeeritud
wallet-option = ELi digitaalse identiteedi rahakott
wallet-or = Või valige oma riikliku e-identimise riik:
wallet-title = Logige sisse oma ELi digitaalse identiteedi rahakotiga
wallet-body = Avage rahakott selles seadmes ja jagage oma isikutuvastusandmeid (PID). Seejärel toob rahakott teid siia tagasi.
wallet-open = Ava minu rahakott
wallet-qr-intro = Kas rahakott on teises seadmes? Skannige see kood rahakotirakendusega või avage link seal.
wallet-qr-label = QR-kood teie rahakoti jaoks
wallet-cross-link = Link teises seadmes oleva rahakoti jaoks
wallet-waiting = Ootame teie rahakotti…
wallet-continue = Vastasin oma rahakotis
