# language: fr
# endonym: Français
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Connexion eID européenne
language = Langue
choose-title = Choisissez votre pays
choose-intro = { $service } vous demande de vous connecter avec l’identification électronique (eID) de votre pays.
countries-legend = Pays pouvant fournir cette connexion
countries-count =
    { $count ->
        [one] { $count } pays
       *[other] { $count } pays
    }
test-mark = pays de test
degraded-notice = — le service de connexion de ce pays rencontre actuellement des problèmes
cancel = Annuler et revenir au service
no-countries = Aucun pays ne peut actuellement fournir la connexion exigée par ce service.
redirect-title = Redirection vers la connexion de votre pays
redirect-body = Vous êtes redirigé vers le service de connexion de votre pays. Si rien ne se passe, appuyez sur Continuer.
continue = Continuer
err-expired = Votre session de connexion a expiré ou a déjà été utilisée. Revenez au service en ligne et recommencez.
err-bad-request = La demande de connexion n’était pas valide. Revenez au service en ligne et réessayez.
err-unavailable = Le service est temporairement indisponible. Veuillez réessayer dans quelques minutes.
err-other-browser = Cette connexion a été commencée dans un autre navigateur, ou votre navigateur a bloqué notre cookie. Recommencez depuis le service en ligne dans ce navigateur.
err-country = Le pays choisi n’est pas disponible pour le moment.
reference-intro = Si le problème persiste, contactez le service en ligne et indiquez cette référence :
not-found = Cette page n’existe pas.
filter-label = Trouver votre pays
filter-button = Rechercher
filter-none = Aucun pays ne correspond à votre recherche.
filter-all = Afficher tous les pays
remember = Mémoriser mon pays sur cet appareil
remembered = Votre pays est mémorisé sur cet appareil :
forget = Oublier mon pays
missing-title = Mon pays n’est pas dans la liste
missing-body = Un pays peut manquer pour ce service en ligne parce qu’il n’est pas encore raccordé, parce que son eID ne peut pas fournir le niveau de garantie ou les données dont ce service a besoin, ou parce que son service de connexion est temporairement retiré. Revenez au service en ligne pour trouver un autre moyen de vous connecter.
support-link = Aide et assistance
privacy-link = Confidentialité
back-to-service = Revenir au service en ligne
title-expired = Votre session de connexion a pris fin
title-bad-request = La demande de connexion n’était pas valide
title-unavailable = Service temporairement indisponible
title-other-browser = Connexion commencée dans un autre navigateur
title-country-unavailable = Pays non disponible
title-cancelled = La connexion a été annulée
title-refused = Votre identité n’a pas pu être confirmée
title-country-failed = Le service de connexion de votre pays a rencontré un problème
title-not-found = Page introuvable
err-cancelled = La connexion a été annulée auprès du service d’identification électronique de votre pays ; aucune donnée vous concernant n’a donc été transmise. Vous pouvez réessayer ou revenir au service en ligne.
err-refused = Le service d’identification électronique de votre pays n’a pas confirmé votre identité, par exemple après un code PIN erroné ou avec un moyen d’identification expiré. Vérifiez votre moyen d’identification et réessayez, ou revenez au service en ligne.
err-country-failed = Le service d’identification électronique de votre pays a signalé une erreur, ou sa réponse n’a pas pu être acceptée. Ce n’est pas de votre faute. Réessayez dans quelques minutes, ou revenez au service en ligne.
try-again = Réessayer
support-intro = Vous pouvez obtenir de l’aide auprès de :
copy-reference = Copier la référence
copied = Référence copiée
wallet-option = Portefeuille européen d’identité numérique
wallet-or = Ou choisissez le pays de votre identification électronique nationale :
wallet-title = Connexion avec votre portefeuille européen d’identité numérique
wallet-body = Ouvrez votre portefeuille sur cet appareil et partagez vos données d’identification personnelle (PID). Votre portefeuille vous ramènera ensuite ici.
wallet-open = Ouvrir mon portefeuille
wallet-qr-intro = Votre portefeuille est sur un autre appareil ? Scannez ce code avec l’application du portefeuille ou ouvrez-y le lien.
wallet-qr-label = Code QR pour votre portefeuille
wallet-cross-link = Lien pour votre portefeuille sur un autre appareil
wallet-waiting = En attente de votre portefeuille…
wallet-continue = J’ai répondu dans mon portefeuille
