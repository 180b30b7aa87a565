# language: lv
# endonym: Latviešu
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Eiropas eID pieteikšanās
language = Valoda
choose-title = Izvēlieties savu valsti
choose-intro = { $service } lūdz jūs pieteikties ar savas valsts elektronisko identifikāciju (eID).
countries-legend = Valstis, kas var nodrošināt šo pieteikšanos
countries-count =
    { $count ->
        [zero] { $count } valstu
        [one] { $count } valsts
       *[other] { $count } valstis
    }
test-mark = testa valsts
degraded-notice = – šīs valsts pieteikšanās pakalpojumam pašlaik ir problēmas
cancel = Atcelt un atgriezties pakalpojumā
no-countries = Pašlaik neviena valsts nevar nodrošināt šim pakalpojumam nepieciešamo pieteikšanos.
redirect-title = Pāreja uz jūsu valsts pieteikšanos
redirect-body = Jūs tiekat novirzīts uz savas valsts pieteikšanās pakalpojumu. Ja nekas nenotiek, nospiediet Turpināt.
continue = Turpināt
err-expired = Jūsu pieteikšanās sesija ir beigusies vai jau izmantota. Atgriezieties e-pakalpojumā un sāciet no jauna.
err-bad-request = Pieteikšanās pieprasījums nebija derīgs. Atgriezieties e-pakalpojumā un mēģiniet vēlreiz.
err-unavailable = Pakalpojums īslaicīgi nav pieejams. Lūdzu, mēģiniet vēlreiz pēc dažām minūtēm.
err-other-browser = Šī pieteikšanās tika sākta citā pārlūkprogrammā, vai jūsu pārlūkprogramma bloķēja mūsu sīkdatni. Sāciet no jauna e-pakalpojumā šajā pārlūkprogrammā.
err-country = Izvēlētā valsts pašlaik nav pieejama.
reference-intro = Ja problēma atkārtojas, sazinieties ar e-pakalpojumu un norādiet šo atsauci:
not-found = Šāda lapa nepastāv.
filter-label = Atrodiet savu valsti
filter-button = Meklēt
filter-none = Meklēšanai neatbilst neviena valsts.
filter-all = Rādīt visas valstis
remember = Atcerēties manu valsti šajā ierīcē
remembered = Jūsu valsts ir saglabāta šajā ierīcē:
forget = Aizmirst manu valsti
missing-title = Manas valsts nav sarakstā
missing-body = Valsts šim e-pakalpojumam var nebūt pieejama, jo tā vēl nav pievienota, jo tās eID nevar nodrošināt pakalpojumam vajadzīgo uzticamības līmeni vai datus, vai arī jo tās pieteikšanās pakalpojums ir īslaicīgi atsaukts. Atgriezieties e-pakalpojumā, lai atrastu citu pieteikšanās veidu.
support-link = Palīdzība un atbalsts
privacy-link = Privātums
back-to-service = Atgriezties e-pakalpojumā
title-expired = Jūsu pieteikšanās sesija ir beigusies
title-bad-request = Pieteikšanās pieprasījums nebija derīgs
title-unavailable = Pakalpojums īslaicīgi nav pieejams
title-other-browser = Pieteikšanās sākta citā pārlūkprogrammā
title-country-unavailable = Valsts nav pieejama
title-cancelled = Pieteikšanās tika atcelta
title-refused = Jūsu identitāti neizdevās apstiprināt
title-country-failed = Jūsu valsts pieteikšanās pakalpojumā radās problēma
title-not-found = Lapa nav atrasta
err-cancelled = Pieteikšanās tika atcelta jūsu valsts elektroniskās identifikācijas pakalpojumā, tāpēc dati par jums netika nosūtīti. Varat mēģināt vēlreiz vai atgriezties e-pakalpojumā.
err-refused = Jūsu valsts elektroniskās identifikācijas pakalpojums neapstiprināja jūsu identitāti, piemēram, pēc nepareiza PIN koda vai ar beigušos eID. Pārbaudiet savu eID un mēģiniet vēlreiz vai atgriezieties e-pakalpojumā.
err-country-failed = Jūsu valsts elektroniskās identifikācijas pakalpojums ziņoja par kļūdu, vai arī tā atbildi nevarēja pieņemt. Tā nav jūsu vaina. Mēģiniet vēlreiz pēc dažām minūtēm vai atgriezieties e-pakalpojumā.
try-again = Mēģināt vēlreiz
support-intro = Palīdzību varat saņemt:
copy-reference = Kopēt atsauci
copied = Atsauce nokopēta
wallet-option = ES digitālās identitātes maks
wallet-or = Vai izvēlieties sava valsts eID valsti:
wallet-title = Pieteikšanās ar ES digitālās identitātes maku
wallet-body = Atveriet maku šajā ierīcē un kopīgojiet savus personas identifikācijas datus (PID). Pēc tam maks jūs atgriezīs šeit.
wallet-open = Atvērt manu maku
wallet-qr-intro = Maks ir citā ierīcē? Noskenējiet šo kodu ar maka lietotni vai atveriet saiti tur.
wallet-qr-label = QR kods jūsu makam
wallet-cross-link = Saite jūsu makam citā ierīcē
wallet-waiting = Gaida jūsu maku…
wallet-continue = Esmu atbildējis savā makā
