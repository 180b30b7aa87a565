# language: pt
# endonym: Português
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Autenticação europeia com eID
language = Idioma
choose-title = Escolha o seu país
choose-intro = { $service } pede-lhe que se autentique com a identificação eletrónica (eID) do seu país.
countries-legend = Países que podem fornecer esta autenticação
countries-count =
    { $count ->
        [one] { $count } país
       *[other] { $count } países
    }
test-mark = país de teste
degraded-notice = — o serviço de autenticação deste país está com problemas neste momento
cancel = Cancelar e voltar ao serviço
no-countries = Neste momento, nenhum país pode fornecer a autenticação exigida por este serviço.
redirect-title = A continuar para a autenticação do seu país
redirect-body = Está a ser enviado para o serviço de autenticação do seu país. Se nada acontecer, prima Continuar.
continue = Continuar
err-expired = A sua sessão de autenticação expirou ou já foi utilizada. Volte ao serviço eletrónico e comece de novo.
err-bad-request = O pedido de autenticação não era válido. Volte ao serviço eletrónico e tente novamente.
err-unavailable = O serviço está temporariamente indisponível. Tente novamente dentro de alguns minutos.
err-other-browser = Esta autenticação foi iniciada noutro navegador, ou o seu navegador bloqueou o nosso cookie. Comece de novo a partir do serviço eletrónico neste navegador.
err-country = O país escolhido não está disponível de momento.
reference-intro = Se o problema persistir, contacte o serviço eletrónico e indique esta referência:
not-found = Esta página não existe.
filter-label = Procure o seu país
filter-button = Pesquisar
filter-none = Nenhum país corresponde à sua pesquisa.
filter-all = Mostrar todos os países
remember = Memorizar o meu país neste dispositivo
remembered = O seu país está memorizado neste dispositivo:
forget = Esquecer o meu país
missing-title = O meu país não está na lista
missing-body = Um país pode não aparecer para este serviço eletrónico porque ainda não está ligado, porque a sua eID não consegue fornecer o nível de garantia ou os dados de que o serviço precisa, ou porque o seu serviço de autenticação está temporariamente retirado. Volte ao serviço eletrónico para encontrar outra forma de se autenticar.
support-link = Ajuda e apoio
privacy-link = Privacidade
back-to-service = Voltar ao serviço eletrónico
title-expired = A sua sessão de autenticação terminou
title-bad-request = O pedido de autenticação não era válido
title-unavailable = Serviço temporariamente indisponível
title-other-browser = Autenticação iniciada noutro navegador
title-country-unavailable = País não disponível
title-cancelled = A autenticação foi cancelada
title-refused = Não foi possível confirmar a sua identidade
title-country-failed = O serviço de autenticação do seu país teve um problema
title-not-found = Página não encontrada
err-cancelled = A autenticação foi cancelada no serviço de identificação eletrónica do seu país, pelo que não foram enviados dados sobre si. Pode tentar novamente ou voltar ao serviço eletrónico.
err-refused = O serviço de identificação eletrónica do seu país não confirmou a sua identidade, por exemplo após um PIN errado ou com uma identificação eletrónica expirada. Verifique a sua identificação eletrónica e tente novamente, ou volte ao serviço eletrónico.
err-country-failed = O serviço de identificação eletrónica do seu país comunicou um erro, ou a sua resposta não pôde ser aceite. Não é culpa sua. Tente novamente dentro de alguns minutos, ou volte ao serviço eletrónico.
try-again = Tentar novamente
support-intro = Pode obter ajuda em:
copy-reference = Copiar referência
copied = Referência copiada
wallet-option = Carteira Europeia de Identidade Digital
wallet-or = Ou escolha o país da sua identificação eletrónica nacional:
wallet-title = Autenticação com a sua Carteira Europeia de Identidade Digital
wallet-body = Abra a sua carteira neste dispositivo e partilhe os seus dados de identificação pessoal (PID). A carteira traz-lhe depois de volta aqui.
wallet-open = Abrir a minha carteira
wallet-qr-intro = A sua carteira está noutro dispositivo? Leia este código com a aplicação da carteira ou abra lá a ligação.
wallet-qr-label = Código QR para a sua carteira
wallet-cross-link = Ligação para a sua carteira noutro dispositivo
wallet-waiting = A aguardar a sua carteira…
wallet-continue = Já respondi na minha carteira
