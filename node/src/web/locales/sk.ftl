# language: sk
# endonym: Slovenčina
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Európske prihlásenie pomocou eID
language = Jazyk
choose-title = Vyberte svoju krajinu
choose-intro = { $service } vás žiada o prihlásenie elektronickou identifikáciou (eID) vašej krajiny.
countries-legend = Krajiny, ktoré môžu poskytnúť toto prihlásenie
countries-count =
    { $count ->
        [one] { $count } krajina
        [few] { $count } krajiny
        [many] { $count } krajiny
       *[other] { $count } krajín
    }
test-mark = testovacia krajina
degraded-notice = – prihlasovacia služba tejto krajiny má momentálne problémy
cancel = Zrušiť a vrátiť sa k službe
no-countries = Žiadna krajina momentálne nemôže poskytnúť prihlásenie, ktoré táto služba vyžaduje.
redirect-title = Pokračovanie na prihlásenie vo vašej krajine
redirect-body = Presmerúvame vás na prihlasovaciu službu vašej krajiny. Ak sa nič nestane, stlačte Pokračovať.
continue = Pokračovať
err-expired = Vaša prihlasovacia relácia vypršala alebo už bola použitá. Vráťte sa k elektronickej službe a začnite znova.
err-bad-request = Žiadosť o prihlásenie nebola platná. Vráťte sa k elektronickej službe a skúste to znova.
err-unavailable = Služba je dočasne nedostupná. Skúste to znova o niekoľko minút.
err-other-browser = Toto prihlásenie sa začalo v inom prehliadači alebo váš prehliadač zablokoval náš súbor cookie. Začnite znova z elektronickej služby v tomto prehliadači.
err-country = Zvolená krajina momentálne nie je dostupná.
reference-intro = Ak problém pretrváva, kontaktujte elektronickú službu a uveďte tento kód:
not-found = Táto stránka neexistuje.
filter-label = Nájdite svoju krajinu
filter-button = Hľadať
filter-none = Vášmu hľadaniu nezodpovedá žiadna krajina.
filter-all = Zobraziť všetky krajiny
remember = Zapamätať si moju krajinu na tomto zariadení
remembered = Vaša krajina je uložená na tomto zariadení:
forget = Zabudnúť moju krajinu
missing-title = Moja krajina nie je v zozname
missing-body = Krajina môže pre túto elektronickú službu chýbať, pretože ešte nie je pripojená, pretože jej eID nemôže poskytnúť úroveň zabezpečenia alebo údaje, ktoré služba potrebuje, alebo pretože jej prihlasovacia služba je dočasne stiahnutá. Vráťte sa k elektronickej službe a nájdite iný spôsob prihlásenia.
support-link = Pomoc a podpora
privacy-link = Ochrana súkromia
back-to-service = Späť k elektronickej službe
title-expired = Vaša prihlasovacia relácia skončila
title-bad-request = Žiadosť o prihlásenie nebola platná
title-unavailable = Služba je dočasne nedostupná
title-other-browser = Prihlásenie sa začalo v inom prehliadači
title-country-unavailable = Krajina nie je dostupná
title-cancelled = Prihlásenie bolo zrušené
title-refused = Vašu totožnosť sa nepodarilo overiť
title-country-failed = Prihlasovacia služba vašej krajiny mala problém
title-not-found = Stránka sa nenašla
err-cancelled = Prihlásenie bolo zrušené v službe elektronickej identifikácie vašej krajiny, preto neboli odoslané žiadne údaje o vás. Môžete to skúsiť znova alebo sa vrátiť k elektronickej službe.
err-refused = Služba elektronickej identifikácie vašej krajiny nepotvrdila vašu totožnosť, napríklad po zadaní nesprávneho PIN kódu alebo s neplatným prostriedkom eID. Skontrolujte svoj prostriedok eID a skúste to znova, alebo sa vráťte k elektronickej službe.
err-country-failed = Služba elektronickej identifikácie vašej krajiny nahlásila chybu alebo jej odpoveď nebolo možné prijať. Nie je to vaša chyba. Skúste to znova o niekoľko minút, alebo sa vráťte k elektronickej službe.
try-again = Skúsiť znova
support-intro = Pomoc získate na:
copy-reference = Kopírovať referenciu
copied = Referencia bola skopírovaná
wallet-option = Peňaženka digitálnej identity EÚ
wallet-or = Alebo zvoľte krajinu svojho národného eID:
wallet-title = Prihlásenie peňaženkou digitálnej identity EÚ
wallet-body = Otvorte peňaženku v tomto zariadení a zdieľajte svoje osobné identifikačné údaje (PID). Peňaženka vás potom vráti sem.
wallet-open = Otvoriť moju peňaženku
wallet-qr-intro = Máte peňaženku v inom zariadení? Naskenujte tento kód aplikáciou peňaženky alebo tam otvorte odkaz.
wallet-qr-label = QR kód pre vašu peňaženku
wallet-cross-link = Odkaz pre peňaženku v inom zariadení
wallet-waiting = Čaká sa na vašu peňaženku…
wallet-continue = V peňaženke som odpovedal(a)
