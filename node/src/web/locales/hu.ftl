# language: hu
# endonym: Magyar
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Európai eID-bejelentkezés
language = Nyelv
choose-title = Válassza ki az országát
choose-intro = { $service } arra kéri, hogy jelentkezzen be országa elektronikus azonosításával (eID).
countries-legend = Országok, amelyek biztosítani tudják ezt a bejelentkezést
countries-count =
    { $count ->
        [one] { $count } ország
       *[other] { $count } ország
    }
test-mark = tesztország
degraded-notice = – ennek az országnak a bejelentkezési szolgáltatása jelenleg hibásan működik
cancel = Mégse, vissza a szolgáltatáshoz
no-countries = Jelenleg egyetlen ország sem tudja biztosítani a szolgáltatás által megkövetelt bejelentkezést.
redirect-title = Továbblépés az országa bejelentkezéséhez
redirect-body = Átirányítjuk országa bejelentkezési szolgáltatásához. Ha semmi sem történik, nyomja meg a Tovább gombot.
continue = Tovább
err-expired = A bejelentkezési munkamenet lejárt vagy már felhasználták. Térjen vissza az e-szolgáltatáshoz, és kezdje újra.
err-bad-request = A bejelentkezési kérés érvénytelen volt. Térjen vissza az e-szolgáltatáshoz, és próbálja újra.
err-unavailable = A szolgáltatás átmenetileg nem érhető el. Néhány perc múlva próbálja újra.
err-other-browser = Ez a bejelentkezés egy másik böngészőben indult, vagy a böngészője letiltotta a sütinket. Kezdje újra az e-szolgáltatásból ebben a böngészőben.
err-country = A választott ország jelenleg nem érhető el.
reference-intro = Ha a probléma továbbra is fennáll, forduljon az e-szolgáltatáshoz, és adja meg ezt az azonosítót:
not-found = Ez az oldal nem létezik.
filter-label = Keresse meg az országát
filter-button = Keresés
filter-none = Egyetlen ország sem felel meg a keresésnek.
filter-all = Minden ország mutatása
remember = Országom megjegyzése ezen az eszközön
remembered = Az országát ez az eszköz megjegyezte:
forget = Országom elfelejtése
missing-title = Az országom nincs a listában
missing-body = Egy ország azért hiányozhat ennél az e-szolgáltatásnál, mert még nincs csatlakoztatva, mert az eID-je nem tudja biztosítani a szolgáltatáshoz szükséges megbízhatósági szintet vagy adatokat, vagy mert a bejelentkezési szolgáltatását átmenetileg visszavonták. Térjen vissza az e-szolgáltatáshoz, hogy más bejelentkezési módot találjon.
support-link = Súgó és támogatás
privacy-link = Adatvédelem
back-to-service = Vissza az e-szolgáltatáshoz
title-expired = A bejelentkezési munkamenet véget ért
title-bad-request = A bejelentkezési kérés érvénytelen volt
title-unavailable = A szolgáltatás átmenetileg nem érhető el
title-other-browser = A bejelentkezés egy másik böngészőben kezdődött
title-country-unavailable = Az ország nem érhető el
title-cancelled = A bejelentkezés megszakadt
title-refused = A személyazonosságát nem sikerült megerősíteni
title-country-failed = Az Ön országának bejelentkezési szolgáltatásában hiba történt
title-not-found = Az oldal nem található
err-cancelled = A bejelentkezést az Ön országának elektronikus azonosítási szolgáltatásában megszakították, így Önről nem küldtek adatot. Próbálja újra, vagy térjen vissza az e-szolgáltatáshoz.
err-refused = Az Ön országának elektronikus azonosítási szolgáltatása nem erősítette meg a személyazonosságát, például hibás PIN-kód vagy lejárt eID miatt. Ellenőrizze az eID-ját, és próbálja újra, vagy térjen vissza az e-szolgáltatáshoz.
err-country-failed = Az Ön országának elektronikus azonosítási szolgáltatása hibát jelzett, vagy a válaszát nem lehetett elfogadni. Ez nem az Ön hibája. Néhány perc múlva próbálja újra, vagy térjen vissza az e-szolgáltatáshoz.
try-again = Próbálja újra
support-intro = Segítséget itt kaphat:
copy-reference = Hivatkozási szám másolása
copied = Hivatkozási szám másolva
wallet-option = Uniós digitális személyazonosító tárca
wallet-or = Vagy válassza ki nemzeti eID-ja országát:
wallet-title = Bejelentkezés uniós digitális személyazonosító tárcával
wallet-body = Nyissa meg a tárcáját ezen az eszközön, és ossza meg személyazonosító adatait (PID). A tárca ezután visszahozza ide.
wallet-open = A tárcám megnyitása
wallet-qr-intro = Másik eszközön van a tárcája? Olvassa be ezt a kódot a tárcaalkalmazással, vagy nyissa meg ott a hivatkozást.
wallet-qr-label = QR-kód a tárcájához
wallet-cross-link = Hivatkozás a másik eszközön lévő tárcájához
wallet-waiting = Várakozás a tárcára…
wallet-continue = Válaszoltam a tárcámban
