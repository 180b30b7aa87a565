# language: it
# endonym: Italiano
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Accesso europeo con eID
language = Lingua
choose-title = Scegli il tuo paese
choose-intro = { $service } ti chiede di accedere con l’identificazione elettronica (eID) del tuo paese.
countries-legend = Paesi che possono fornire questo accesso
countries-count =
    { $count ->
        [one] { $count } paese
       *[other] { $count } paesi
    }
test-mark = paese di prova
degraded-notice = — il servizio di accesso di questo paese ha problemi in questo momento
cancel = Annulla e torna al servizio
no-countries = Al momento nessun paese può fornire l’accesso richiesto da questo servizio.
redirect-title = Prosegui verso l’accesso del tuo paese
redirect-body = Stai per essere inviato al servizio di accesso del tuo paese. Se non succede nulla, premi Continua.
continue = Continua
err-expired = La sessione di accesso è scaduta o è già stata usata. Torna al servizio online e ricomincia.
err-bad-request = La richiesta di accesso non era valida. Torna al servizio online e riprova.
err-unavailable = Il servizio è temporaneamente non disponibile. Riprova tra qualche minuto.
err-other-browser = Questo accesso è stato avviato in un altro browser, oppure il tuo browser ha bloccato il nostro cookie. Ricomincia dal servizio online in questo browser.
err-country = Il paese scelto non è disponibile al momento.
reference-intro = Se il problema persiste, contatta il servizio online e indica questo riferimento:
not-found = Questa pagina non esiste.
filter-label = Trova il tuo paese
filter-button = Cerca
filter-none = Nessun paese corrisponde alla ricerca.
filter-all = Mostra tutti i paesi
remember = Ricorda il mio paese su questo dispositivo
remembered = Il tuo paese è memorizzato su questo dispositivo:
forget = Dimentica il mio paese
missing-title = Il mio paese non è nell’elenco
missing-body = Un paese può mancare per questo servizio online perché non è ancora collegato, perché la sua eID non può fornire il livello di garanzia o i dati di cui il servizio ha bisogno, oppure perché il suo servizio di accesso è temporaneamente sospeso. Torna al servizio online per trovare un altro modo di accedere.
support-link = Aiuto e assistenza
privacy-link = Privacy e dati personali
back-to-service = Torna al servizio online
title-expired = La sessione di accesso è terminata
title-bad-request = La richiesta di accesso non era valida
title-unavailable = Servizio temporaneamente non disponibile
title-other-browser = Accesso iniziato in un altro browser
title-country-unavailable = Paese non disponibile
title-cancelled = L’accesso è stato annullato
title-refused = Non è stato possibile confermare la tua identità
title-country-failed = Il servizio di accesso del tuo paese ha avuto un problema
title-not-found = Pagina non trovata
err-cancelled = L’accesso è stato annullato presso il servizio di identificazione elettronica del tuo paese, quindi non è stato inviato alcun dato che ti riguarda. Puoi riprovare oppure tornare al servizio online.
err-refused = Il servizio di identificazione elettronica del tuo paese non ha confermato la tua identità, ad esempio dopo un PIN errato o con un’identità elettronica scaduta. Controlla la tua identità elettronica e riprova, oppure torna al servizio online.
err-country-failed = Il servizio di identificazione elettronica del tuo paese ha segnalato un errore, oppure la sua risposta non è stata accettata. Non è colpa tua. Riprova tra qualche minuto, oppure torna al servizio online.
try-again = Riprova
support-intro = Puoi ricevere assistenza da:
copy-reference = Copia il riferimento
copied = Riferimento copiato
wallet-option = Portafoglio europeo di identità digitale
wallet-or = Oppure scegli il paese della tua identità elettronica nazionale:
wallet-title = Accedi con il tuo portafoglio europeo di identità digitale
wallet-body = Apri il portafoglio su questo dispositivo e condividi i tuoi dati di identificazione personale (PID). Il portafoglio ti riporterà poi qui.
wallet-open = Apri il mio portafoglio
wallet-qr-intro = Il tuo portafoglio è su un altro dispositivo? Scansiona questo codice con l’app del portafoglio o apri lì il link.
wallet-qr-label = Codice QR per il tuo portafoglio
wallet-cross-link = Link per il tuo portafoglio su un altro dispositivo
wallet-waiting = In attesa del tuo portafoglio…
wallet-continue = Ho risposto nel mio portafoglio
