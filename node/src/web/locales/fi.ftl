# language: fi
# endonym: Suomi
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Eurooppalainen eID-tunnistautuminen
language = Kieli
choose-title = Valitse maasi
choose-intro = { $service } pyytää sinua tunnistautumaan maasi sähköisellä tunnistuksella (eID).
countries-legend = Maat, jotka voivat tarjota tämän tunnistautumisen
countries-count =
    { $count ->
        [one] { $count } maa
       *[other] { $count } maata
    }
test-mark = testimaa
degraded-notice = – tämän maan tunnistuspalvelussa on parhaillaan ongelmia
cancel = Peruuta ja palaa palveluun
no-countries = Mikään maa ei tällä hetkellä voi tarjota tunnistautumista, jota tämä palvelu edellyttää.
redirect-title = Siirrytään maasi tunnistautumiseen
redirect-body = Sinut ohjataan maasi tunnistuspalveluun. Jos mitään ei tapahdu, paina Jatka.
continue = Jatka
err-expired = Tunnistautumisistuntosi on vanhentunut tai jo käytetty. Palaa verkkopalveluun ja aloita alusta.
err-bad-request = Tunnistautumispyyntö ei ollut kelvollinen. Palaa verkkopalveluun ja yritä uudelleen.
err-unavailable = Palvelu ei ole tilapäisesti käytettävissä. Yritä uudelleen muutaman minuutin kuluttua.
err-other-browser = Tämä tunnistautuminen aloitettiin toisessa selaimessa, tai selaimesi esti evästeemme. Aloita alusta verkkopalvelusta tässä selaimessa.
err-country = Valittu maa ei ole tällä hetkellä käytettävissä.
reference-intro = Jos ongelma jatkuu, ota yhteyttä verkkopalveluun ja ilmoita tämä viite:
not-found = Tätä sivua ei ole olemassa.
filter-label = Etsi maasi
filter-button = Hae
filter-none = Mikään maa ei vastaa hakuasi.
filter-all = Näytä kaikki maat
remember = Muista maani tällä laitteella
remembered = Maasi on tallennettu tälle laitteelle:
forget = Unohda maani
missing-title = Maatani ei ole luettelossa
missing-body = Maa voi puuttua tästä verkkopalvelusta, koska sitä ei ole vielä liitetty, koska sen eID ei pysty tarjoamaan palvelun edellyttämää varmuustasoa tai tietoja, tai koska sen tunnistuspalvelu on tilapäisesti poistettu käytöstä. Palaa verkkopalveluun löytääksesi toisen tavan tunnistautua.
support-link = Ohjeet ja tuki
privacy-link = Tietosuoja
back-to-service = Palaa verkkopalveluun
title-expired = Kirjautumisistuntosi on päättynyt
title-bad-request = Kirjautumispyyntö ei ollut kelvollinen
title-unavailable = Palvelu ei ole tilapäisesti käytettävissä
title-other-browser = Kirjautuminen aloitettiin toisessa selaimessa
title-country-unavailable = Maa ei ole käytettävissä
title-cancelled = Kirjautuminen peruutettiin
title-refused = Henkilöllisyyttäsi ei voitu vahvistaa
title-country-failed = Maasi kirjautumispalvelussa oli ongelma
title-not-found = Sivua ei löytynyt
err-cancelled = Kirjautuminen peruutettiin maasi sähköisen tunnistamisen palvelussa, joten sinusta ei lähetetty tietoja. Voit yrittää uudelleen tai palata verkkopalveluun.
err-refused = Maasi sähköisen tunnistamisen palvelu ei vahvistanut henkilöllisyyttäsi, esimerkiksi väärän PIN-koodin tai vanhentuneen tunnistusvälineen vuoksi. Tarkista tunnistusvälineesi ja yritä uudelleen tai palaa verkkopalveluun.
err-country-failed = Maasi sähköisen tunnistamisen palvelu ilmoitti virheestä, tai sen vastausta ei voitu hyväksyä. Vika ei ole sinun. Yritä uudelleen muutaman minuutin kuluttua tai palaa verkkopalveluun.
try-again = Yritä uudelleen
support-intro = Apua saat:
copy-reference = Kopioi viite
copied = Viite kopioitu
wallet-option = EU:n digitaalisen identiteetin lompakko
wallet-or = Tai valitse kansallisen sähköisen tunnistuksesi maa:
wallet-title = Kirjaudu EU:n digitaalisen identiteetin lompakollasi
wallet-body = Avaa lompakkosi tällä laitteella ja jaa henkilötunnistetietosi (PID). Lompakko palauttaa sinut sen jälkeen tänne.
wallet-open = Avaa lompakkoni
wallet-qr-intro = Onko lompakkosi toisella laitteella? Skannaa tämä koodi lompakkosovelluksella tai avaa linkki siellä.
wallet-qr-label = QR-koodi lompakollesi
wallet-cross-link = Linkki toisella laitteella olevalle lompakollesi
wallet-waiting = Odotetaan lompakkoasi…
wallet-continue = Vastasin lompakossani
