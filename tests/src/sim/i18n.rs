//! The simulated Proxy-Service's pages in the citizen's language (issue 14 item 7): the language
//! their browser asks for (`Accept-Language`), negotiated as the gateway does, among the same
//! 26 languages. The tester's fault names stay as they are (they are identifiers).
//!
//! Machine-translated, like the unreviewed gateway catalogues: this is a TEST country.

use axum::http::HeaderMap;
use eidas_node::web::i18n::Locale;

/// The texts of the simulator's pages in one language.
#[derive(Debug)]
pub struct SimTexts {
    pub tag: &'static str,
    pub warning: &'static str,
    /// `{loa}` is replaced by the level.
    pub asks_natural: &'static str,
    pub asks_legal: &'static str,
    pub identity: &'static str,
    pub loa: &'static str,
    pub faults: &'static str,
    pub fault: &'static str,
    pub login: &'static str,
    pub cancel: &'static str,
    pub returning: &'static str,
    pub note: &'static str,
    pub continue_: &'static str,
}

macro_rules! texts {
    ($($tag:literal => [$w:literal, $n:literal, $l:literal, $i:literal, $a:literal, $fs:literal, $f:literal, $li:literal, $c:literal, $r:literal, $no:literal, $co:literal]),* $(,)?) => {
        [$(SimTexts { tag: $tag, warning: $w, asks_natural: $n, asks_legal: $l, identity: $i, loa: $a, faults: $fs, fault: $f, login: $li, cancel: $c, returning: $r, note: $no, continue_: $co }),*]
    };
}

pub static TEXTS: [SimTexts; 26] = texts![
    "en" => ["This is a TEST country of the eIDAS test bed. Never enter real personal data.", "The e-service asks for a person with at least level of assurance {loa}.", "The e-service asks for a company (legal person) with at least level of assurance {loa}.", "Test identity", "Level of assurance", "Fault injection (for testers)", "Fault", "Log in", "Cancel (deny consent)", "Returning to your e-service", "If you are not redirected automatically, press Continue.", "Continue"],
    "bg" => ["Това е ТЕСТОВА държава на тестовата среда eIDAS. Никога не въвеждайте истински лични данни.", "Електронната услуга изисква физическо лице с ниво на осигуреност най-малко {loa}.", "Електронната услуга изисква дружество (юридическо лице) с ниво на осигуреност най-малко {loa}.", "Тестова самоличност", "Ниво на осигуреност", "Въвеждане на грешки (за тестери)", "Грешка", "Вход", "Отказ (без съгласие)", "Връщане към вашата електронна услуга", "Ако не бъдете пренасочени автоматично, натиснете „Продължаване“.", "Продължаване"],
    "cs" => ["Toto je TESTOVACÍ země testovacího prostředí eIDAS. Nikdy nezadávejte skutečné osobní údaje.", "Elektronická služba žádá fyzickou osobu s úrovní záruky alespoň {loa}.", "Elektronická služba žádá společnost (právnickou osobu) s úrovní záruky alespoň {loa}.", "Testovací identita", "Úroveň záruky", "Vkládání chyb (pro testery)", "Chyba", "Přihlásit se", "Zrušit (odmítnout souhlas)", "Návrat k vaší elektronické službě", "Pokud nebudete přesměrováni automaticky, stiskněte Pokračovat.", "Pokračovat"],
    "da" => ["Dette er et TESTLAND i eIDAS-testmiljøet. Indtast aldrig rigtige personoplysninger.", "Den digitale tjeneste beder om en person med sikringsniveau mindst {loa}.", "Den digitale tjeneste beder om en virksomhed (juridisk person) med sikringsniveau mindst {loa}.", "Testidentitet", "Sikringsniveau", "Fejlindsættelse (for testere)", "Fejl", "Log ind", "Annullér (afvis samtykke)", "Tilbage til din digitale tjeneste", "Hvis du ikke sendes videre automatisk, så tryk på Fortsæt.", "Fortsæt"],
    "de" => ["Dies ist ein TESTLAND der eIDAS-Testumgebung. Geben Sie niemals echte personenbezogene Daten ein.", "Der Online-Dienst verlangt eine natürliche Person mit mindestens dem Vertrauensniveau {loa}.", "Der Online-Dienst verlangt ein Unternehmen (juristische Person) mit mindestens dem Vertrauensniveau {loa}.", "Testidentität", "Vertrauensniveau", "Fehlerinjektion (für Testende)", "Fehler", "Anmelden", "Abbrechen (Einwilligung verweigern)", "Zurück zu Ihrem Online-Dienst", "Wenn Sie nicht automatisch weitergeleitet werden, drücken Sie Weiter.", "Weiter"],
    "el" => ["Αυτή είναι μια ΔΟΚΙΜΑΣΤΙΚΗ χώρα του περιβάλλοντος δοκιμών eIDAS. Μην εισάγετε ποτέ πραγματικά προσωπικά δεδομένα.", "Η ηλεκτρονική υπηρεσία ζητά φυσικό πρόσωπο με επίπεδο διασφάλισης τουλάχιστον {loa}.", "Η ηλεκτρονική υπηρεσία ζητά εταιρεία (νομικό πρόσωπο) με επίπεδο διασφάλισης τουλάχιστον {loa}.", "Δοκιμαστική ταυτότητα", "Επίπεδο διασφάλισης", "Εισαγωγή σφαλμάτων (για δοκιμαστές)", "Σφάλμα", "Σύνδεση", "Ακύρωση (άρνηση συγκατάθεσης)", "Επιστροφή στην ηλεκτρονική σας υπηρεσία", "Αν δεν ανακατευθυνθείτε αυτόματα, πατήστε Συνέχεια.", "Συνέχεια"],
    "es" => ["Este es un país de PRUEBA del banco de pruebas eIDAS. No introduzca nunca datos personales reales.", "El servicio electrónico solicita una persona física con un nivel de seguridad mínimo {loa}.", "El servicio electrónico solicita una empresa (persona jurídica) con un nivel de seguridad mínimo {loa}.", "Identidad de prueba", "Nivel de seguridad", "Inyección de fallos (para probadores)", "Fallo", "Iniciar sesión", "Cancelar (denegar el consentimiento)", "Volviendo a su servicio electrónico", "Si no se le redirige automáticamente, pulse Continuar.", "Continuar"],
    "et" => ["See on eIDAS-i testkeskkonna TESTRIIK. Ärge kunagi sisestage päris isikuandmeid.", "E-teenus küsib füüsilist isikut, kelle tagatistase on vähemalt {loa}.", "E-teenus küsib ettevõtet (juriidilist isikut), kelle tagatistase on vähemalt {loa}.", "Testisik", "Tagatistase", "Vigade tekitamine (testijatele)", "Viga", "Logi sisse", "Loobu (keeldu nõusolekust)", "Tagasi teie e-teenuse juurde", "Kui teid automaatselt edasi ei suunata, vajutage Jätka.", "Jätka"],
    "fi" => ["Tämä on eIDAS-testiympäristön TESTIMAA. Älä koskaan syötä oikeita henkilötietoja.", "Verkkopalvelu pyytää luonnollista henkilöä, jonka varmuustaso on vähintään {loa}.", "Verkkopalvelu pyytää yritystä (oikeushenkilöä), jonka varmuustaso on vähintään {loa}.", "Testihenkilöllisyys", "Varmuustaso", "Virheiden syöttö (testaajille)", "Virhe", "Kirjaudu", "Peruuta (kieltäydy suostumuksesta)", "Palataan verkkopalveluusi", "Jos sinua ei ohjata eteenpäin automaattisesti, paina Jatka.", "Jatka"],
    "fr" => ["Ceci est un pays de TEST du banc d’essai eIDAS. Ne saisissez jamais de vraies données personnelles.", "Le service en ligne demande une personne physique avec un niveau de garantie d’au moins {loa}.", "Le service en ligne demande une entreprise (personne morale) avec un niveau de garantie d’au moins {loa}.", "Identité de test", "Niveau de garantie", "Injection de fautes (pour les testeurs)", "Faute", "Se connecter", "Annuler (refuser le consentement)", "Retour à votre service en ligne", "Si vous n’êtes pas redirigé automatiquement, appuyez sur Continuer.", "Continuer"],
    "ga" => ["Is tír THÁSTÁLA de thimpeallacht tástála eIDAS í seo. Ná cuir isteach fíorshonraí pearsanta riamh.", "Iarrann an r-sheirbhís duine nádúrtha a bhfuil leibhéal dearbhaithe {loa} ar a laghad aige.", "Iarrann an r-sheirbhís cuideachta (duine dlítheanach) a bhfuil leibhéal dearbhaithe {loa} ar a laghad aici.", "Aitheantas tástála", "Leibhéal dearbhaithe", "Instealladh lochtanna (do thástálaithe)", "Locht", "Logáil isteach", "Cealaigh (diúltaigh toiliú)", "Ag filleadh ar do r-sheirbhís", "Mura n-atreoraítear go huathoibríoch thú, brúigh Lean ar aghaidh.", "Lean ar aghaidh"],
    "hr" => ["Ovo je TESTNA zemlja testnog okruženja eIDAS. Nikada ne unosite stvarne osobne podatke.", "E-usluga traži fizičku osobu s razinom jamstva najmanje {loa}.", "E-usluga traži tvrtku (pravnu osobu) s razinom jamstva najmanje {loa}.", "Testni identitet", "Razina jamstva", "Ubacivanje pogrešaka (za testere)", "Pogreška", "Prijava", "Odustani (uskrati privolu)", "Povratak na vašu e-uslugu", "Ako niste automatski preusmjereni, pritisnite Nastavi.", "Nastavi"],
    "hu" => ["Ez az eIDAS tesztkörnyezet TESZTORSZÁGA. Soha ne adjon meg valódi személyes adatokat.", "Az e-szolgáltatás legalább {loa} megbízhatósági szintű természetes személyt kér.", "Az e-szolgáltatás legalább {loa} megbízhatósági szintű céget (jogi személyt) kér.", "Tesztazonosság", "Megbízhatósági szint", "Hibainjektálás (tesztelőknek)", "Hiba", "Bejelentkezés", "Mégse (hozzájárulás megtagadása)", "Visszatérés az e-szolgáltatáshoz", "Ha nem irányítjuk át automatikusan, nyomja meg a Tovább gombot.", "Tovább"],
    "is" => ["Þetta er PRÓFUNARLAND í eIDAS-prófunarumhverfinu. Sláðu aldrei inn raunverulegar persónuupplýsingar.", "Rafræna þjónustan biður um einstakling með fullvissustig að lágmarki {loa}.", "Rafræna þjónustan biður um fyrirtæki (lögaðila) með fullvissustig að lágmarki {loa}.", "Prófunarauðkenni", "Fullvissustig", "Villuinnskot (fyrir prófara)", "Villa", "Skrá inn", "Hætta við (hafna samþykki)", "Aftur í rafrænu þjónustuna þína", "Ef þér er ekki vísað áfram sjálfkrafa skaltu ýta á Áfram.", "Áfram"],
    "it" => ["Questo è un paese di TEST dell’ambiente di prova eIDAS. Non inserire mai dati personali reali.", "Il servizio online chiede una persona fisica con livello di garanzia almeno {loa}.", "Il servizio online chiede un’impresa (persona giuridica) con livello di garanzia almeno {loa}.", "Identità di test", "Livello di garanzia", "Iniezione di guasti (per i tester)", "Guasto", "Accedi", "Annulla (nega il consenso)", "Ritorno al tuo servizio online", "Se non vieni reindirizzato automaticamente, premi Continua.", "Continua"],
    "lt" => ["Tai eIDAS bandomosios aplinkos BANDOMOJI šalis. Niekada neįveskite tikrų asmens duomenų.", "E. paslauga prašo fizinio asmens, kurio užtikrinimo lygis ne žemesnis kaip {loa}.", "E. paslauga prašo įmonės (juridinio asmens), kurios užtikrinimo lygis ne žemesnis kaip {loa}.", "Bandomoji tapatybė", "Užtikrinimo lygis", "Klaidų įterpimas (testuotojams)", "Klaida", "Prisijungti", "Atšaukti (nesutikti)", "Grįžtama į jūsų e. paslaugą", "Jei nebūsite nukreipti automatiškai, paspauskite Tęsti.", "Tęsti"],
    "lv" => ["Šī ir eIDAS testa vides TESTA valsts. Nekad neievadiet īstus personas datus.", "E-pakalpojums pieprasa fizisku personu ar uzticamības līmeni vismaz {loa}.", "E-pakalpojums pieprasa uzņēmumu (juridisku personu) ar uzticamības līmeni vismaz {loa}.", "Testa identitāte", "Uzticamības līmenis", "Kļūdu ievadīšana (testētājiem)", "Kļūda", "Pieteikties", "Atcelt (atteikt piekrišanu)", "Atgriešanās jūsu e-pakalpojumā", "Ja jūs netiekat novirzīts automātiski, nospiediet Turpināt.", "Turpināt"],
    "mt" => ["Dan huwa pajjiż tat-TEST tal-ambjent tat-test eIDAS. Qatt ma ddaħħal data personali vera.", "Is-servizz elettroniku jitlob persuna fiżika b'livell ta' assigurazzjoni mill-inqas {loa}.", "Is-servizz elettroniku jitlob kumpanija (persuna ġuridika) b'livell ta' assigurazzjoni mill-inqas {loa}.", "Identità tat-test", "Livell ta' assigurazzjoni", "Injezzjoni ta' difetti (għat-testers)", "Difett", "Idħol", "Ikkanċella (iċħad il-kunsens)", "Lura lejn is-servizz elettroniku tiegħek", "Jekk ma tiġix rindirizzat awtomatikament, agħfas Kompli.", "Kompli"],
    "nb" => ["Dette er et TESTLAND i eIDAS-testmiljøet. Skriv aldri inn ekte personopplysninger.", "E-tjenesten ber om en person med sikkerhetsnivå minst {loa}.", "E-tjenesten ber om et foretak (juridisk person) med sikkerhetsnivå minst {loa}.", "Testidentitet", "Sikkerhetsnivå", "Feilinnsetting (for testere)", "Feil", "Logg inn", "Avbryt (nekt samtykke)", "Tilbake til e-tjenesten din", "Hvis du ikke sendes videre automatisk, trykk på Fortsett.", "Fortsett"],
    "nl" => ["Dit is een TESTLAND van de eIDAS-testomgeving. Voer nooit echte persoonsgegevens in.", "De e-dienst vraagt om een natuurlijke persoon met ten minste betrouwbaarheidsniveau {loa}.", "De e-dienst vraagt om een bedrijf (rechtspersoon) met ten minste betrouwbaarheidsniveau {loa}.", "Testidentiteit", "Betrouwbaarheidsniveau", "Foutinjectie (voor testers)", "Fout", "Inloggen", "Annuleren (toestemming weigeren)", "Terug naar uw e-dienst", "Als u niet automatisch wordt doorgestuurd, druk dan op Doorgaan.", "Doorgaan"],
    "pl" => ["To jest TESTOWY kraj środowiska testowego eIDAS. Nigdy nie wprowadzaj prawdziwych danych osobowych.", "E-usługa prosi o osobę fizyczną z poziomem zapewnienia co najmniej {loa}.", "E-usługa prosi o firmę (osobę prawną) z poziomem zapewnienia co najmniej {loa}.", "Tożsamość testowa", "Poziom zapewnienia", "Wstrzykiwanie błędów (dla testerów)", "Błąd", "Zaloguj się", "Anuluj (odmów zgody)", "Powrót do Twojej e-usługi", "Jeśli nie nastąpi automatyczne przekierowanie, naciśnij Dalej.", "Dalej"],
    "pt" => ["Este é um país de TESTE do ambiente de testes eIDAS. Nunca introduza dados pessoais reais.", "O serviço eletrónico pede uma pessoa singular com nível de garantia de, pelo menos, {loa}.", "O serviço eletrónico pede uma empresa (pessoa coletiva) com nível de garantia de, pelo menos, {loa}.", "Identidade de teste", "Nível de garantia", "Injeção de falhas (para testadores)", "Falha", "Iniciar sessão", "Cancelar (recusar o consentimento)", "A regressar ao seu serviço eletrónico", "Se não for redirecionado automaticamente, prima Continuar.", "Continuar"],
    "ro" => ["Aceasta este o țară de TEST a mediului de testare eIDAS. Nu introduceți niciodată date personale reale.", "Serviciul electronic solicită o persoană fizică cu nivel de asigurare cel puțin {loa}.", "Serviciul electronic solicită o companie (persoană juridică) cu nivel de asigurare cel puțin {loa}.", "Identitate de test", "Nivel de asigurare", "Injectare de defecte (pentru testeri)", "Defect", "Autentificare", "Anulare (refuzați consimțământul)", "Revenire la serviciul electronic", "Dacă nu sunteți redirecționat automat, apăsați Continuați.", "Continuați"],
    "sk" => ["Toto je TESTOVACIA krajina testovacieho prostredia eIDAS. Nikdy nezadávajte skutočné osobné údaje.", "Elektronická služba žiada fyzickú osobu s úrovňou zabezpečenia aspoň {loa}.", "Elektronická služba žiada spoločnosť (právnickú osobu) s úrovňou zabezpečenia aspoň {loa}.", "Testovacia identita", "Úroveň zabezpečenia", "Vkladanie chýb (pre testerov)", "Chyba", "Prihlásiť sa", "Zrušiť (odmietnuť súhlas)", "Návrat k vašej elektronickej službe", "Ak nebudete presmerovaní automaticky, stlačte Pokračovať.", "Pokračovať"],
    "sl" => ["To je TESTNA država testnega okolja eIDAS. Nikoli ne vnašajte pravih osebnih podatkov.", "E-storitev zahteva fizično osebo z ravnjo zanesljivosti vsaj {loa}.", "E-storitev zahteva podjetje (pravno osebo) z ravnjo zanesljivosti vsaj {loa}.", "Testna identiteta", "Raven zanesljivosti", "Vnašanje napak (za preizkuševalce)", "Napaka", "Prijava", "Prekliči (zavrni privolitev)", "Vrnitev na vašo e-storitev", "Če niste samodejno preusmerjeni, pritisnite Nadaljuj.", "Nadaljuj"],
    "sv" => ["Detta är ett TESTLAND i eIDAS-testmiljön. Ange aldrig riktiga personuppgifter.", "E-tjänsten efterfrågar en fysisk person med tillitsnivå minst {loa}.", "E-tjänsten efterfrågar ett företag (juridisk person) med tillitsnivå minst {loa}.", "Testidentitet", "Tillitsnivå", "Felinjicering (för testare)", "Fel", "Logga in", "Avbryt (neka samtycke)", "Tillbaka till din e-tjänst", "Om du inte skickas vidare automatiskt, tryck på Fortsätt.", "Fortsätt"],
];

/// The texts for the language the browser asks for (English when none of ours).
pub fn negotiate(headers: &HeaderMap) -> &'static SimTexts {
    let tag = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .map_or("en", Locale::tag);
    TEXTS.iter().find(|t| t.tag == tag).unwrap_or(&TEXTS[0])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_gateway_language_has_sim_texts_with_the_placeholder() {
        let tags: Vec<&str> = Locale::all().map(Locale::tag).collect();
        let ours: Vec<&str> = TEXTS.iter().map(|t| t.tag).collect();
        let mut a = tags.clone();
        a.sort_unstable();
        let mut b = ours.clone();
        b.sort_unstable();
        assert_eq!(a, b);
        let en = &TEXTS[0];
        for t in &TEXTS {
            assert!(
                t.asks_natural.contains("{loa}") && t.asks_legal.contains("{loa}"),
                "{}",
                t.tag
            );
            if t.tag != "en" {
                for (ours, english) in [
                    (t.warning, en.warning),
                    (t.asks_natural, en.asks_natural),
                    (t.identity, en.identity),
                    (t.login, en.login),
                    (t.cancel, en.cancel),
                    (t.note, en.note),
                ] {
                    assert_ne!(ours, english, "{}: English left", t.tag);
                }
            }
        }
        let mut h = HeaderMap::new();
        h.insert("accept-language", "pl-PL,pl;q=0.9".parse().unwrap());
        assert_eq!(negotiate(&h).tag, "pl");
        assert_eq!(negotiate(&HeaderMap::new()).tag, "en");
    }
}
