# language: ga
# endonym: Gaeilge
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Logáil isteach Eorpach le eID
language = Teanga
choose-title = Roghnaigh do thír
choose-intro = Iarrann { $service } ort logáil isteach le sainaithint leictreonach (eID) do thíre.
countries-legend = Tíortha ar féidir leo an logáil isteach seo a sholáthar
countries-count =
    { $count ->
        [one] { $count } tír
        [two] { $count } thír
        [few] { $count } thír
        [many] { $count } dtír
       *[other] { $count } tír
    }
test-mark = tír thástála
degraded-notice = — tá fadhbanna ag seirbhís logála isteach na tíre seo faoi láthair
cancel = Cealaigh agus fill ar an tseirbhís
no-countries = Níl aon tír in ann an logáil isteach a theastaíonn ón tseirbhís seo a sholáthar faoi láthair.
redirect-title = Ag leanúint ar aghaidh chuig logáil isteach do thíre
redirect-body = Táthar do do sheoladh chuig seirbhís logála isteach do thíre. Mura dtarlaíonn aon rud, brúigh Lean ar aghaidh.
continue = Lean ar aghaidh
err-expired = Tá do sheisiún logála isteach imithe in éag nó úsáideadh cheana é. Fill ar an r-sheirbhís agus tosaigh arís.
err-bad-request = Ní raibh an t-iarratas logála isteach bailí. Fill ar an r-sheirbhís agus bain triail eile as.
err-unavailable = Níl an tseirbhís ar fáil go sealadach. Bain triail eile as i gceann cúpla nóiméad.
err-other-browser = Cuireadh tús leis an logáil isteach seo i mbrabhsálaí eile, nó chuir do bhrabhsálaí bac ar ár bhfianán. Tosaigh arís ón r-sheirbhís sa bhrabhsálaí seo.
err-country = Níl an tír a roghnaíodh ar fáil faoi láthair.
reference-intro = Má leanann an fhadhb, déan teagmháil leis an r-sheirbhís agus luaigh an tagairt seo:
not-found = Níl an leathanach seo ann.
filter-label = Aimsigh do thír
filter-button = Cuardaigh
filter-none = Níl aon tír ag teacht le do chuardach.
filter-all = Taispeáin gach tír
remember = Cuimhnigh ar mo thír ar an ngléas seo
remembered = Tá do thír curtha de ghlanmheabhair ar an ngléas seo:
forget = Déan dearmad ar mo thír
missing-title = Níl mo thír sa liosta
missing-body = D’fhéadfadh tír a bheith in easnamh don r-sheirbhís seo mar nach bhfuil sí ceangailte fós, mar nach féidir lena eID an leibhéal dearbhaithe nó na sonraí a theastaíonn ón tseirbhís a sholáthar, nó mar go bhfuil a seirbhís logála isteach tarraingthe siar go sealadach. Fill ar an r-sheirbhís chun bealach eile logála isteach a aimsiú.
support-link = Cabhair agus tacaíocht
privacy-link = Príobháideachas
back-to-service = Fill ar an r-sheirbhís
title-expired = Tá deireadh le do sheisiún logála isteach
title-bad-request = Ní raibh an t-iarratas logála isteach bailí
title-unavailable = Níl an tseirbhís ar fáil go sealadach
title-other-browser = Cuireadh tús leis an logáil isteach i mbrabhsálaí eile
title-country-unavailable = Níl an tír ar fáil
title-cancelled = Cealaíodh an logáil isteach
title-refused = Níorbh fhéidir d’aitheantas a dhearbhú
title-country-failed = Bhí fadhb ag seirbhís logála isteach do thíre
title-not-found = Níor aimsíodh an leathanach
err-cancelled = Cealaíodh an logáil isteach ag seirbhís r-aitheantais do thíre, mar sin níor seoladh aon sonraí fút. Is féidir leat triail eile a bhaint as, nó filleadh ar an r-sheirbhís.
err-refused = Níor dhearbhaigh seirbhís r-aitheantais do thíre d’aitheantas, mar shampla tar éis UAP mícheart nó le r-aitheantas atá imithe in éag. Seiceáil do r-aitheantas agus bain triail eile as, nó fill ar an r-sheirbhís.
err-country-failed = Thuairiscigh seirbhís r-aitheantais do thíre earráid, nó níorbh fhéidir glacadh lena freagra. Ní ortsa an locht. Bain triail eile as i gceann cúpla nóiméad, nó fill ar an r-sheirbhís.
try-again = Bain triail eile as
support-intro = Tá cabhair ar fáil ó:
copy-reference = Cóipeáil an tagairt
copied = Cóipeáladh an tagairt
wallet-option = Sparán Aitheantais Dhigitigh an Aontais
wallet-or = Nó roghnaigh tír do r-aitheantais náisiúnta:
wallet-title = Logáil isteach le do Sparán Aitheantais Dhigitigh an Aontais
wallet-body = Oscail do sparán ar an ngléas seo agus roinn do shonraí aitheantais phearsanta (PID). Tabharfaidh do sparán ar ais anseo thú ansin.
wallet-open = Oscail mo sparán
wallet-qr-intro = An bhfuil do sparán ar ghléas eile? Scanáil an cód seo le haip an sparáin, nó oscail an nasc ansin.
wallet-qr-label = Cód QR do do sparán
wallet-cross-link = Nasc do do sparán ar ghléas eile
wallet-waiting = Ag fanacht le do sparán…
wallet-continue = Thug mé freagra i mo sparán
