# language: cs
# endonym: Čeština
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Evropské přihlášení pomocí eID
language = Jazyk
choose-title = Vyberte svou zemi
choose-intro = { $service } vás žádá o přihlášení elektronickou identifikací (eID) vaší země.
countries-legend = Země, které mohou toto přihlášení poskytnout
countries-count =
    { $count ->
        [one] { $count } země
        [few] { $count } země
        [many] { $count } země
       *[other] { $count } zemí
    }
test-mark = testovací země
degraded-notice = – přihlašovací služba této země má momentálně potíže
cancel = Zrušit a vrátit se ke službě
no-countries = Žádná země nyní nemůže poskytnout přihlášení, které tato služba vyžaduje.
redirect-title = Pokračování k přihlášení ve vaší zemi
redirect-body = Budete přesměrováni na přihlašovací službu vaší země. Pokud se nic nestane, stiskněte Pokračovat.
continue = Pokračovat
err-expired = Vaše přihlašovací relace vypršela nebo již byla použita. Vraťte se k elektronické službě a začněte znovu.
err-bad-request = Žádost o přihlášení nebyla platná. Vraťte se k elektronické službě a zkuste to znovu.
err-unavailable = Služba je dočasně nedostupná. Zkuste to prosím znovu za několik minut.
err-other-browser = Toto přihlášení bylo zahájeno v jiném prohlížeči, nebo váš prohlížeč zablokoval náš soubor cookie. Začněte znovu z elektronické služby v tomto prohlížeči.
err-country = Zvolená země není momentálně dostupná.
reference-intro = Pokud problém přetrvává, kontaktujte elektronickou službu a uveďte tento kód:
not-found = Tato stránka neexistuje.
filter-label = Najděte svou zemi
filter-button = Hledat
filter-none = Vašemu hledání neodpovídá žádná země.
filter-all = Zobrazit všechny země
remember = Zapamatovat si mou zemi na tomto zařízení
remembered = Vaše země je uložena na tomto zařízení:
forget = Zapomenout mou zemi
missing-title = Moje země není v seznamu
missing-body = Země může pro tuto elektronickou službu chybět, protože ještě není připojena, protože její eID nemůže poskytnout úroveň záruky nebo údaje, které služba potřebuje, nebo protože její přihlašovací služba je dočasně stažena. Vraťte se k elektronické službě a najděte jiný způsob přihlášení.
support-link = Nápověda a podpora
privacy-link = Ochrana soukromí
back-to-service = Zpět k elektronické službě
title-expired = Vaše přihlašovací relace skončila
title-bad-request = Požadavek na přihlášení nebyl platný
title-unavailable = Služba je dočasně nedostupná
title-other-browser = Přihlášení bylo zahájeno v jiném prohlížeči
title-country-unavailable = Země není dostupná
title-cancelled = Přihlášení bylo zrušeno
title-refused = Vaši totožnost se nepodařilo ověřit
title-country-failed = Přihlašovací služba vaší země měla problém
title-not-found = Stránka nenalezena
err-cancelled = Přihlášení bylo zrušeno ve službě elektronické identifikace vaší země, takže o vás nebyla odeslána žádná data. Můžete to zkusit znovu, nebo se vrátit k elektronické službě.
err-refused = Služba elektronické identifikace vaší země nepotvrdila vaši totožnost, například po zadání chybného PIN nebo s prošlým prostředkem eID. Zkontrolujte svůj prostředek eID a zkuste to znovu, nebo se vraťte k elektronické službě.
err-country-failed = Služba elektronické identifikace vaší země nahlásila chybu nebo její odpověď nebylo možné přijmout. Není to vaše chyba. Zkuste to znovu za několik minut, nebo se vraťte k elektronické službě.
try-again = Zkusit znovu
support-intro = Pomoc vám poskytne:
copy-reference = Kopírovat referenci
copied = Reference zkopírována
wallet-option = Peněženka digitální identity EU
wallet-or = Nebo zvolte zemi svého národního prostředku eID:
wallet-title = Přihlášení peněženkou digitální identity EU
wallet-body = Otevřete peněženku v tomto zařízení a sdílejte své osobní identifikační údaje (PID). Peněženka vás pak vrátí sem.
wallet-open = Otevřít peněženku
wallet-qr-intro = Máte peněženku v jiném zařízení? Naskenujte tento kód aplikací peněženky, nebo tam otevřete odkaz.
wallet-qr-label = QR kód pro vaši peněženku
wallet-cross-link = Odkaz pro peněženku v jiném zařízení
wallet-waiting = Čeká se na vaši peněženku…
wallet-continue = V peněžence jsem odpověděl(a)
