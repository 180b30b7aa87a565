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
error-title = No se ha podido completar el acceso
err-expired = Su sesión de acceso ha caducado o ya se ha utilizado. Vuelva al servicio electrónico y empiece de nuevo.
err-bad-request = La solicitud de acceso no era válida. Vuelva al servicio electrónico e inténtelo de nuevo.
err-unavailable = El servicio no está disponible temporalmente. Inténtelo de nuevo dentro de unos minutos.
err-other-browser = Este acceso se inició en otro navegador, o su navegador bloqueó nuestra cookie. Empiece de nuevo desde el servicio electrónico en este navegador.
err-country = El país elegido no está disponible en este momento.
err-rejected = No se ha podido aceptar la respuesta del servicio de acceso de su país.
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
