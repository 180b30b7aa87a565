# language: en
# endonym: English
# review-status: reviewed
# The source language.

site = European eID login
language = Language
choose-title = Choose your country
choose-intro = { $service } asks you to log in with the electronic identification (eID) of your country.
countries-legend = Countries that can provide this login
countries-count =
    { $count ->
        [one] { $count } country
       *[other] { $count } countries
    }
test-mark = test country
degraded-notice = — this country's login service is having problems right now
cancel = Cancel and return to the service
no-countries = No country can currently provide the login this service requires.
redirect-title = Continuing to your country's login
redirect-body = You are being sent to the login service of your country. If nothing happens, press Continue.
continue = Continue
err-expired = Your login session has expired or was already used. Return to the e-service and start again.
err-bad-request = The login request was not valid. Return to the e-service and try again.
err-unavailable = The service is temporarily unavailable. Please try again in a few minutes.
err-other-browser = This login was started in another browser, or your browser blocked our cookie. Start again from the e-service in this browser.
err-country = The chosen country is not available at the moment.
reference-intro = If the problem persists, contact the e-service and quote this reference:
not-found = This page does not exist.
filter-label = Find your country
filter-button = Search
filter-none = No country matches your search.
filter-all = Show all countries
remember = Remember my country on this device
remembered = Your country is remembered on this device:
forget = Forget my country
missing-title = My country is not in the list
missing-body = A country can be missing for this e-service because it is not connected yet, because its eID cannot provide the level of assurance or the data this e-service needs, or because its login service is temporarily withdrawn. Go back to the e-service to find another way to log in.
support-link = Help and support
privacy-link = Privacy
back-to-service = Return to the e-service
title-expired = Your login session has ended
title-bad-request = The login request was not valid
title-unavailable = Service temporarily unavailable
title-other-browser = Login started in another browser
title-country-unavailable = Country not available
title-cancelled = The login was cancelled
title-refused = Your identity could not be confirmed
title-country-failed = Your country's login service had a problem
title-not-found = Page not found
err-cancelled = The login was cancelled at your country's eID service, so no data about you was sent. You can try again, or return to the e-service.
err-refused = Your country's eID service did not confirm your identity, for example after a wrong PIN or with an expired eID. Check your eID and try again, or return to the e-service.
err-country-failed = Your country's eID service reported an error, or its answer could not be accepted. This is not your fault. Try again in a few minutes, or return to the e-service.
try-again = Try again
support-intro = Help is available from:
copy-reference = Copy reference
copied = Reference copied
wallet-option = EU Digital Identity Wallet
wallet-or = Or choose the country of your national eID:
wallet-title = Log in with your EU Digital Identity Wallet
wallet-body = Open your wallet on this device and share your personal identification data (PID). Your wallet then brings you back here.
wallet-open = Open my wallet
wallet-qr-intro = On another device? Scan this code with your wallet app, or open the link there.
wallet-qr-label = QR code for your wallet
wallet-cross-link = Link for your wallet on another device
wallet-waiting = Waiting for your wallet…
wallet-continue = I have answered in my wallet
