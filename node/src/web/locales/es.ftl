# language: es
# endonym: Español
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Acceso europeo con eID
language = Idioma
choose-title = Elija su país
choose-intro = { $service } le pide que inicie sesión con la identificación electrónica (eID) de su país.
countries-legend = Países que pueden ofrecer este acceso
countries-count =
    { $count ->
        [one] { $count } país
       *[other] { $count } países
    }
test-mark = país de prueba
degraded-notice = — el servicio de acceso de este país tiene problemas en este momento
cancel = Cancelar y volver al servicio
no-countries = Actualmente ningún país puede ofrecer el acceso que exige este servicio.
redirect-title = Continuando hacia el acceso de su país
redirect-body = Se le está enviando al servicio de acceso de su país. Si no ocurre nada, pulse Continuar.
continue = Continuar
err-expired = Su sesión de acceso ha caducado o ya se ha utilizado. Vuelva al servicio electrónico y empiece de nuevo.
err-bad-request = La solicitud de acceso no era válida. Vuelva al servicio electrónico e inténtelo de nuevo.
err-unavailable = El servicio no está disponible temporalmente. Inténtelo de nuevo dentro de unos minutos.
err-other-browser = Este acceso se inició en otro navegador, o su navegador bloqueó nuestra cookie. Empiece de nuevo desde el servicio electrónico en este navegador.
err-country = El país elegido no está disponible en este momento.
reference-intro = Si el problema persiste, póngase en contacto con el servicio electrónico e indique esta referencia:
not-found = Esta página no existe.
filter-label = Busque su país
filter-button = Buscar
filter-none = Ningún país coincide con su búsqueda.
filter-all = Mostrar todos los países
remember = Recordar mi país en este dispositivo
remembered = Su país está guardado en este dispositivo:
forget = Olvidar mi país
missing-title = Mi país no está en la lista
missing-body = Un país puede faltar para este servicio electrónico porque aún no está conectado, porque su eID no puede ofrecer el nivel de seguridad o los datos que necesita este servicio, o porque su servicio de acceso está retirado temporalmente. Vuelva al servicio electrónico para encontrar otra forma de acceder.
support-link = Ayuda y soporte
privacy-link = Privacidad
back-to-service = Volver al servicio electrónico
title-expired = Su sesión de inicio ha finalizado
title-bad-request = La solicitud de inicio de sesión no era válida
title-unavailable = Servicio no disponible temporalmente
title-other-browser = Inicio de sesión comenzado en otro navegador
title-country-unavailable = País no disponible
title-cancelled = Se canceló el inicio de sesión
title-refused = No se pudo confirmar su identidad
title-country-failed = El servicio de identificación de su país tuvo un problema
title-not-found = Página no encontrada
err-cancelled = El inicio de sesión se canceló en el servicio de identificación electrónica de su país, por lo que no se envió ningún dato sobre usted. Puede intentarlo de nuevo o volver al servicio electrónico.
err-refused = El servicio de identificación electrónica de su país no confirmó su identidad, por ejemplo tras un PIN incorrecto o con una identificación electrónica caducada. Compruebe su identificación electrónica e inténtelo de nuevo, o vuelva al servicio electrónico.
err-country-failed = El servicio de identificación electrónica de su país informó de un error, o su respuesta no pudo aceptarse. No es culpa suya. Inténtelo de nuevo dentro de unos minutos, o vuelva al servicio electrónico.
try-again = Intentar de nuevo
support-intro = Puede obtener ayuda en:
copy-reference = Copiar referencia
copied = Referencia copiada
wallet-option = Cartera de Identidad Digital de la UE
wallet-or = O elija el país de su identificación electrónica nacional:
wallet-title = Inicie sesión con su Cartera de Identidad Digital de la UE
wallet-body = Abra su cartera en este dispositivo y comparta sus datos de identificación personal (PID). Después, la cartera le devolverá aquí.
wallet-open = Abrir mi cartera
wallet-qr-intro = ¿Su cartera está en otro dispositivo? Escanee este código con la aplicación de la cartera o abra allí el enlace.
wallet-qr-label = Código QR para su cartera
wallet-cross-link = Enlace para su cartera en otro dispositivo
wallet-waiting = Esperando a su cartera…
wallet-continue = Ya he respondido en mi cartera
