# language: mt
# endonym: Malti
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Login Ewropew bl-eID
language = Lingwa
choose-title = Agħżel il-pajjiż tiegħek
choose-intro = { $service } qed jitolbok tidħol bl-identifikazzjoni elettronika (eID) tal-pajjiż tiegħek.
countries-legend = Pajjiżi li jistgħu jipprovdu dan il-login
countries-count =
    { $count ->
        [one] { $count } pajjiż
        [few] { $count } pajjiżi
        [many] { $count } pajjiż
       *[other] { $count } pajjiż
    }
test-mark = pajjiż tat-test
degraded-notice = — is-servizz tal-login ta' dan il-pajjiż għandu problemi bħalissa
cancel = Ikkanċella u rritorna għas-servizz
no-countries = Bħalissa l-ebda pajjiż ma jista' jipprovdi l-login li jeħtieġ dan is-servizz.
redirect-title = Għaddej għal-login tal-pajjiż tiegħek
redirect-body = Qed tintbagħat lejn is-servizz tal-login tal-pajjiż tiegħek. Jekk ma jiġri xejn, agħfas Kompli.
continue = Kompli
err-expired = Is-sessjoni tal-login tiegħek skadiet jew diġà ntużat. Irritorna għas-servizz elettroniku u erġa' ibda.
err-bad-request = It-talba għal-login ma kinitx valida. Irritorna għas-servizz elettroniku u erġa' pprova.
err-unavailable = Is-servizz mhux disponibbli temporanjament. Jekk jogħġbok erġa' pprova fi ftit minuti.
err-other-browser = Dan il-login inbeda f'browser ieħor, jew il-browser tiegħek imblokka l-cookie tagħna. Erġa' ibda mis-servizz elettroniku f'dan il-browser.
err-country = Il-pajjiż magħżul mhux disponibbli bħalissa.
reference-intro = Jekk il-problema tippersisti, ikkuntattja lis-servizz elettroniku u semmi din ir-referenza:
not-found = Din il-paġna ma teżistix.
filter-label = Sib il-pajjiż tiegħek
filter-button = Fittex
filter-none = L-ebda pajjiż ma jaqbel mat-tfittxija tiegħek.
filter-all = Uri l-pajjiżi kollha
remember = Ftakar il-pajjiż tiegħi fuq dan l-apparat
remembered = Il-pajjiż tiegħek huwa mfakkar fuq dan l-apparat:
forget = Insa l-pajjiż tiegħi
missing-title = Il-pajjiż tiegħi mhux fil-lista
missing-body = Pajjiż jista' jkun nieqes għal dan is-servizz elettroniku għax għadu mhux konness, għax l-eID tiegħu ma jistax jipprovdi l-livell ta' assigurazzjoni jew id-dejta li jeħtieġ is-servizz, jew għax is-servizz tal-login tiegħu huwa rtirat temporanjament. Irritorna għas-servizz elettroniku biex issib mod ieħor kif tidħol.
support-link = Għajnuna u appoġġ
privacy-link = Privatezza
back-to-service = Irritorna għas-servizz elettroniku
title-expired = Is-sessjoni tal-login tiegħek intemmet
title-bad-request = It-talba għal-login ma kinitx valida
title-unavailable = Is-servizz mhux disponibbli temporanjament
title-other-browser = Il-login inbeda f'browser ieħor
title-country-unavailable = Il-pajjiż mhux disponibbli
title-cancelled = Il-login ġie kkanċellat
title-refused = L-identità tiegħek ma setgħetx tiġi kkonfermata
title-country-failed = Is-servizz tal-login ta' pajjiżek kellu problema
title-not-found = Il-paġna ma nstabitx
err-cancelled = Il-login ġie kkanċellat fis-servizz tal-identifikazzjoni elettronika ta' pajjiżek, għalhekk ma ntbagħtet l-ebda data dwarek. Tista' terġa' tipprova, jew tirritorna għas-servizz elettroniku.
err-refused = Is-servizz tal-identifikazzjoni elettronika ta' pajjiżek ma kkonfermax l-identità tiegħek, pereżempju wara PIN żbaljat jew b'eID skadut. Iċċekkja l-eID tiegħek u erġa' pprova, jew irritorna għas-servizz elettroniku.
err-country-failed = Is-servizz tal-identifikazzjoni elettronika ta' pajjiżek irrapporta żball, jew it-tweġiba tiegħu ma setgħetx tiġi aċċettata. Mhux tort tiegħek. Erġa' pprova fi ftit minuti, jew irritorna għas-servizz elettroniku.
try-again = Erġa' pprova
support-intro = Tista' tikseb għajnuna minn:
copy-reference = Ikkopja r-referenza
copied = Ir-referenza ġiet ikkupjata
wallet-option = Kartiera tal-Identità Diġitali tal-UE
wallet-or = Jew agħżel il-pajjiż tal-eID nazzjonali tiegħek:
wallet-title = Idħol bil-Kartiera tal-Identità Diġitali tal-UE tiegħek
wallet-body = Iftaħ il-kartiera tiegħek fuq dan it-tagħmir u aqsam id-data tal-identifikazzjoni personali tiegħek (PID). Il-kartiera mbagħad terġa' ġġibek hawn.
wallet-open = Iftaħ il-kartiera tiegħi
wallet-qr-intro = Il-kartiera tiegħek qiegħda fuq tagħmir ieħor? Skennja dan il-kodiċi bl-app tal-kartiera, jew iftaħ il-link hemmhekk.
wallet-qr-label = Kodiċi QR għall-kartiera tiegħek
wallet-cross-link = Link għall-kartiera tiegħek fuq tagħmir ieħor
wallet-waiting = Qed nistennew il-kartiera tiegħek…
wallet-continue = Wieġbt fil-kartiera tiegħi
