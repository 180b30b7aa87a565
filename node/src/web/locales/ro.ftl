# language: ro
# endonym: Română
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Autentificare europeană cu eID
language = Limba
choose-title = Alegeți țara dumneavoastră
choose-intro = { $service } vă cere să vă autentificați cu identificarea electronică (eID) a țării dumneavoastră.
countries-legend = Țări care pot oferi această autentificare
countries-count =
    { $count ->
        [one] { $count } țară
        [few] { $count } țări
       *[other] { $count } de țări
    }
test-mark = țară de test
degraded-notice = — serviciul de autentificare al acestei țări are probleme în acest moment
cancel = Anulați și reveniți la serviciu
no-countries = În prezent, nicio țară nu poate oferi autentificarea cerută de acest serviciu.
redirect-title = Continuare către autentificarea din țara dumneavoastră
redirect-body = Sunteți redirecționat către serviciul de autentificare al țării dumneavoastră. Dacă nu se întâmplă nimic, apăsați Continuați.
continue = Continuați
err-expired = Sesiunea de autentificare a expirat sau a fost deja folosită. Reveniți la serviciul electronic și începeți din nou.
err-bad-request = Cererea de autentificare nu a fost validă. Reveniți la serviciul electronic și încercați din nou.
err-unavailable = Serviciul este temporar indisponibil. Încercați din nou peste câteva minute.
err-other-browser = Această autentificare a fost începută în alt browser sau browserul dumneavoastră a blocat cookie-ul nostru. Începeți din nou de la serviciul electronic în acest browser.
err-country = Țara aleasă nu este disponibilă în acest moment.
reference-intro = Dacă problema persistă, contactați serviciul electronic și indicați această referință:
not-found = Această pagină nu există.
filter-label = Găsiți-vă țara
filter-button = Căutare
filter-none = Nicio țară nu corespunde căutării.
filter-all = Afișați toate țările
remember = Ține minte țara mea pe acest dispozitiv
remembered = Țara dumneavoastră este memorată pe acest dispozitiv:
forget = Uită țara mea
missing-title = Țara mea nu este în listă
missing-body = O țară poate lipsi pentru acest serviciu electronic deoarece nu este încă conectată, deoarece eID-ul său nu poate oferi nivelul de asigurare sau datele de care are nevoie serviciul, sau deoarece serviciul său de autentificare este retras temporar. Reveniți la serviciul electronic pentru a găsi o altă modalitate de autentificare.
support-link = Ajutor și asistență
privacy-link = Confidențialitate
back-to-service = Înapoi la serviciul electronic
title-expired = Sesiunea de autentificare s-a încheiat
title-bad-request = Cererea de autentificare nu a fost validă
title-unavailable = Serviciu temporar indisponibil
title-other-browser = Autentificarea a început în alt browser
title-country-unavailable = Țara nu este disponibilă
title-cancelled = Autentificarea a fost anulată
title-refused = Identitatea dumneavoastră nu a putut fi confirmată
title-country-failed = Serviciul de autentificare al țării dumneavoastră a avut o problemă
title-not-found = Pagina nu a fost găsită
err-cancelled = Autentificarea a fost anulată la serviciul de identificare electronică al țării dumneavoastră, astfel încât nu au fost trimise date despre dumneavoastră. Puteți încerca din nou sau vă puteți întoarce la serviciul electronic.
err-refused = Serviciul de identificare electronică al țării dumneavoastră nu v-a confirmat identitatea, de exemplu după un PIN greșit sau cu un mijloc eID expirat. Verificați mijlocul eID și încercați din nou, sau întoarceți-vă la serviciul electronic.
err-country-failed = Serviciul de identificare electronică al țării dumneavoastră a raportat o eroare sau răspunsul său nu a putut fi acceptat. Nu este vina dumneavoastră. Încercați din nou peste câteva minute sau întoarceți-vă la serviciul electronic.
try-again = Încercați din nou
support-intro = Puteți obține ajutor de la:
copy-reference = Copiați referința
copied = Referința a fost copiată
wallet-option = Portofelul european pentru identitatea digitală
wallet-or = Sau alegeți țara mijlocului dumneavoastră național eID:
wallet-title = Autentificare cu portofelul european pentru identitatea digitală
wallet-body = Deschideți portofelul pe acest dispozitiv și partajați datele de identificare personală (PID). Portofelul vă va aduce apoi înapoi aici.
wallet-open = Deschide portofelul meu
wallet-qr-intro = Portofelul este pe alt dispozitiv? Scanați acest cod cu aplicația portofelului sau deschideți acolo linkul.
wallet-qr-label = Cod QR pentru portofelul dumneavoastră
wallet-cross-link = Link pentru portofelul de pe alt dispozitiv
wallet-waiting = Se așteaptă portofelul dumneavoastră…
wallet-continue = Am răspuns în portofel
