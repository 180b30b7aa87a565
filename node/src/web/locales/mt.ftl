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
error-title = Il-login ma setax jitlesta
err-expired = Is-sessjoni tal-login tiegħek skadiet jew diġà ntużat. Irritorna għas-servizz elettroniku u erġa' ibda.
err-bad-request = It-talba għal-login ma kinitx valida. Irritorna għas-servizz elettroniku u erġa' pprova.
err-unavailable = Is-servizz mhux disponibbli temporanjament. Jekk jogħġbok erġa' pprova fi ftit minuti.
err-other-browser = Dan il-login inbeda f'browser ieħor, jew il-browser tiegħek imblokka l-cookie tagħna. Erġa' ibda mis-servizz elettroniku f'dan il-browser.
err-country = Il-pajjiż magħżul mhux disponibbli bħalissa.
err-rejected = It-tweġiba mis-servizz tal-login tal-pajjiż tiegħek ma setgħetx tiġi aċċettata.
reference-intro = Jekk il-problema tippersisti, ikkuntattja lis-servizz elettroniku u semmi din ir-referenza:
not-found = Din il-paġna ma teżistix.
