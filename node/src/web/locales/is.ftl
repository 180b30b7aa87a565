# language: is
# endonym: Íslenska
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Evrópsk eID-innskráning
language = Tungumál
choose-title = Veldu landið þitt
choose-intro = { $service } biður þig að skrá þig inn með rafrænni auðkenningu (eID) landsins þíns.
countries-legend = Lönd sem geta veitt þessa innskráningu
countries-count =
    { $count ->
        [one] { $count } land
       *[other] { $count } lönd
    }
test-mark = prófunarland
degraded-notice = – innskráningarþjónusta þessa lands á í vandræðum núna
cancel = Hætta við og fara aftur í þjónustuna
no-countries = Ekkert land getur sem stendur veitt þá innskráningu sem þessi þjónusta krefst.
redirect-title = Áfram í innskráningu landsins þíns
redirect-body = Verið er að senda þig í innskráningarþjónustu landsins þíns. Ef ekkert gerist skaltu ýta á Áfram.
continue = Áfram
err-expired = Innskráningarlotan þín er útrunnin eða þegar notuð. Farðu aftur í rafrænu þjónustuna og byrjaðu upp á nýtt.
err-bad-request = Innskráningarbeiðnin var ekki gild. Farðu aftur í rafrænu þjónustuna og reyndu aftur.
err-unavailable = Þjónustan er tímabundið ekki tiltæk. Reyndu aftur eftir nokkrar mínútur.
err-other-browser = Þessi innskráning hófst í öðrum vafra, eða vafrinn þinn lokaði á vafrakökuna okkar. Byrjaðu upp á nýtt í rafrænu þjónustunni í þessum vafra.
err-country = Valið land er ekki tiltækt eins og er.
reference-intro = Ef vandinn heldur áfram skaltu hafa samband við rafrænu þjónustuna og gefa upp þessa tilvísun:
not-found = Þessi síða er ekki til.
filter-label = Finndu landið þitt
filter-button = Leita
filter-none = Ekkert land passar við leitina.
filter-all = Sýna öll lönd
remember = Muna landið mitt á þessu tæki
remembered = Landið þitt er vistað á þessu tæki:
forget = Gleyma landinu mínu
missing-title = Landið mitt er ekki á listanum
missing-body = Land getur vantað fyrir þessa rafrænu þjónustu vegna þess að það er ekki enn tengt, vegna þess að eID þess getur ekki veitt það traustsstig eða þau gögn sem þjónustan þarf, eða vegna þess að innskráningarþjónusta þess hefur tímabundið verið tekin úr notkun. Farðu aftur í rafrænu þjónustuna til að finna aðra leið til að skrá þig inn.
support-link = Hjálp og aðstoð
privacy-link = Persónuvernd
back-to-service = Aftur í rafrænu þjónustuna
title-expired = Innskráningarlotunni er lokið
title-bad-request = Innskráningarbeiðnin var ekki gild
title-unavailable = Þjónustan er tímabundið ekki tiltæk
title-other-browser = Innskráning hófst í öðrum vafra
title-country-unavailable = Landið er ekki tiltækt
title-cancelled = Hætt var við innskráninguna
title-refused = Ekki tókst að staðfesta auðkenni þitt
title-country-failed = Vandamál kom upp hjá innskráningarþjónustu lands þíns
title-not-found = Síðan fannst ekki
err-cancelled = Hætt var við innskráninguna hjá rafrænni auðkenningarþjónustu lands þíns, svo engin gögn um þig voru send. Þú getur reynt aftur eða farið aftur í rafrænu þjónustuna.
err-refused = Rafræn auðkenningarþjónusta lands þíns staðfesti ekki auðkenni þitt, til dæmis eftir rangt PIN-númer eða með útrunnin rafræn skilríki. Athugaðu rafrænu skilríkin þín og reyndu aftur, eða farðu aftur í rafrænu þjónustuna.
err-country-failed = Rafræn auðkenningarþjónusta lands þíns tilkynnti villu, eða ekki var hægt að samþykkja svar hennar. Þetta er ekki þér að kenna. Reyndu aftur eftir nokkrar mínútur eða farðu aftur í rafrænu þjónustuna.
try-again = Reyna aftur
support-intro = Aðstoð færðu hjá:
copy-reference = Afrita tilvísun
copied = Tilvísun afrituð
wallet-option = Stafrænt auðkennisveski ESB
wallet-or = Eða veldu land rafrænna skilríkja þinna:
wallet-title = Skráðu þig inn með stafrænu auðkennisveski ESB
wallet-body = Opnaðu veskið þitt í þessu tæki og deildu persónuauðkennisgögnum þínum (PID). Veskið sendir þig síðan aftur hingað.
wallet-open = Opna veskið mitt
wallet-qr-intro = Er veskið þitt í öðru tæki? Skannaðu þennan kóða með veskisappinu eða opnaðu tengilinn þar.
wallet-qr-label = QR-kóði fyrir veskið þitt
wallet-cross-link = Tengill fyrir veskið þitt í öðru tæki
wallet-waiting = Beðið eftir veskinu þínu…
wallet-continue = Ég hef svarað í veskinu mínu
