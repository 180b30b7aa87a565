# language: sv
# endonym: Svenska
# review-status: unreviewed
# Written with the first release (2026-11) from en; not yet checked by a native speaker.

site = Europeisk e-legitimering
language = Språk
choose-title = Välj ditt land
choose-intro = { $service } ber dig logga in med ditt lands elektroniska identifiering (e-legitimation).
countries-legend = Länder som kan erbjuda denna inloggning
countries-count =
    { $count ->
        [one] { $count } land
       *[other] { $count } länder
    }
test-mark = testland
degraded-notice = — landets inloggningstjänst har problem just nu
cancel = Avbryt och återvänd till tjänsten
no-countries = Inget land kan just nu erbjuda den inloggning som tjänsten kräver.
redirect-title = Du skickas vidare till ditt lands inloggning
redirect-body = Du skickas till inloggningstjänsten i ditt land. Om inget händer, tryck på Fortsätt.
continue = Fortsätt
err-expired = Din inloggningssession har gått ut eller har redan använts. Gå tillbaka till e-tjänsten och börja om.
err-bad-request = Inloggningsbegäran var inte giltig. Gå tillbaka till e-tjänsten och försök igen.
err-unavailable = Tjänsten är tillfälligt otillgänglig. Försök igen om några minuter.
err-other-browser = Inloggningen påbörjades i en annan webbläsare, eller så blockerade webbläsaren vår cookie. Börja om från e-tjänsten i den här webbläsaren.
err-country = Det valda landet är inte tillgängligt just nu.
reference-intro = Om problemet kvarstår, kontakta e-tjänsten och ange denna referens:
not-found = Sidan finns inte.
filter-label = Sök ditt land
filter-button = Sök
filter-none = Inget land matchar din sökning.
filter-all = Visa alla länder
remember = Kom ihåg mitt land på den här enheten
remembered = Ditt land är sparat på den här enheten:
forget = Glöm mitt land
missing-title = Mitt land finns inte i listan
missing-body = Ett land kan saknas för den här e-tjänsten för att det ännu inte är anslutet, för att dess e-legitimation inte kan ge den tillitsnivå eller de uppgifter som e-tjänsten behöver, eller för att dess inloggningstjänst tillfälligt är avstängd. Gå tillbaka till e-tjänsten för att hitta ett annat sätt att logga in.
support-link = Hjälp och support
privacy-link = Integritet
back-to-service = Tillbaka till e-tjänsten
title-expired = Din inloggningssession har avslutats
title-bad-request = Inloggningsbegäran var ogiltig
title-unavailable = Tjänsten är tillfälligt otillgänglig
title-other-browser = Inloggningen påbörjades i en annan webbläsare
title-country-unavailable = Landet är inte tillgängligt
title-cancelled = Inloggningen avbröts
title-refused = Din identitet kunde inte bekräftas
title-country-failed = Ditt lands inloggningstjänst hade ett problem
title-not-found = Sidan hittades inte
err-cancelled = Inloggningen avbröts hos ditt lands e-legitimationstjänst, så inga uppgifter om dig skickades. Du kan försöka igen eller gå tillbaka till e-tjänsten.
err-refused = Ditt lands e-legitimationstjänst bekräftade inte din identitet, till exempel efter fel PIN-kod eller med en utgången e-legitimation. Kontrollera din e-legitimation och försök igen, eller gå tillbaka till e-tjänsten.
err-country-failed = Ditt lands e-legitimationstjänst rapporterade ett fel, eller dess svar kunde inte godtas. Det är inte ditt fel. Försök igen om några minuter, eller gå tillbaka till e-tjänsten.
try-again = Försök igen
support-intro = Du kan få hjälp hos:
copy-reference = Kopiera referensen
copied = Referensen har kopierats
wallet-option = EU:s plånbok för digital identitet
wallet-or = Eller välj landet för din nationella e-legitimation:
wallet-title = Logga in med EU:s plånbok för digital identitet
wallet-body = Öppna din plånbok på den här enheten och dela dina personidentifieringsuppgifter (PID). Plånboken skickar dig sedan tillbaka hit.
wallet-open = Öppna min plånbok
wallet-qr-intro = Finns plånboken på en annan enhet? Skanna koden med plånboksappen eller öppna länken där.
wallet-qr-label = QR-kod för din plånbok
wallet-cross-link = Länk för din plånbok på en annan enhet
wallet-waiting = Väntar på din plånbok …
wallet-continue = Jag har svarat i min plånbok
