# language: pl
# endonym: Polski
# review-status: unreviewed
# Machine translation from en.ftl (2026-12-02); not yet checked by a native speaker.

site = Europejskie logowanie eID
language = Język
choose-title = Wybierz swój kraj
choose-intro = { $service } prosi o zalogowanie się za pomocą identyfikacji elektronicznej (eID) Twojego kraju.
countries-legend = Kraje, które mogą zapewnić to logowanie
countries-count =
    { $count ->
        [one] { $count } kraj
        [few] { $count } kraje
        [many] { $count } krajów
       *[other] { $count } kraju
    }
test-mark = kraj testowy
degraded-notice = — usługa logowania tego kraju ma obecnie problemy
cancel = Anuluj i wróć do usługi
no-countries = Obecnie żaden kraj nie może zapewnić logowania wymaganego przez tę usługę.
redirect-title = Przejście do logowania w Twoim kraju
redirect-body = Trwa przekierowanie do usługi logowania Twojego kraju. Jeśli nic się nie dzieje, naciśnij Dalej.
continue = Dalej
err-expired = Sesja logowania wygasła lub została już wykorzystana. Wróć do e-usługi i zacznij od nowa.
err-bad-request = Żądanie logowania było nieprawidłowe. Wróć do e-usługi i spróbuj ponownie.
err-unavailable = Usługa jest chwilowo niedostępna. Spróbuj ponownie za kilka minut.
err-other-browser = To logowanie rozpoczęto w innej przeglądarce albo Twoja przeglądarka zablokowała nasz plik cookie. Zacznij od nowa z e-usługi w tej przeglądarce.
err-country = Wybrany kraj jest w tej chwili niedostępny.
reference-intro = Jeśli problem będzie się powtarzał, skontaktuj się z e-usługą i podaj ten numer referencyjny:
not-found = Ta strona nie istnieje.
filter-label = Znajdź swój kraj
filter-button = Szukaj
filter-none = Żaden kraj nie pasuje do wyszukiwania.
filter-all = Pokaż wszystkie kraje
remember = Zapamiętaj mój kraj na tym urządzeniu
remembered = Twój kraj jest zapamiętany na tym urządzeniu:
forget = Zapomnij mój kraj
missing-title = Mojego kraju nie ma na liście
missing-body = Kraju może brakować dla tej e-usługi, ponieważ nie jest jeszcze podłączony, ponieważ jego eID nie zapewnia poziomu bezpieczeństwa lub danych wymaganych przez tę usługę albo ponieważ jego usługa logowania jest czasowo wycofana. Wróć do e-usługi, aby znaleźć inny sposób logowania.
support-link = Pomoc i wsparcie
privacy-link = Prywatność
back-to-service = Wróć do e-usługi
title-expired = Twoja sesja logowania wygasła
title-bad-request = Żądanie logowania było nieprawidłowe
title-unavailable = Usługa chwilowo niedostępna
title-other-browser = Logowanie rozpoczęto w innej przeglądarce
title-country-unavailable = Kraj niedostępny
title-cancelled = Logowanie zostało anulowane
title-refused = Nie udało się potwierdzić Twojej tożsamości
title-country-failed = Usługa logowania Twojego kraju napotkała problem
title-not-found = Nie znaleziono strony
err-cancelled = Logowanie zostało anulowane w usłudze identyfikacji elektronicznej Twojego kraju, więc nie przesłano żadnych danych o Tobie. Możesz spróbować ponownie lub wrócić do e-usługi.
err-refused = Usługa identyfikacji elektronicznej Twojego kraju nie potwierdziła Twojej tożsamości, na przykład po wpisaniu błędnego kodu PIN lub z nieważnym środkiem eID. Sprawdź swój środek eID i spróbuj ponownie lub wróć do e-usługi.
err-country-failed = Usługa identyfikacji elektronicznej Twojego kraju zgłosiła błąd lub nie można było przyjąć jej odpowiedzi. To nie Twoja wina. Spróbuj ponownie za kilka minut lub wróć do e-usługi.
try-again = Spróbuj ponownie
support-intro = Pomoc uzyskasz pod adresem:
copy-reference = Kopiuj numer referencyjny
copied = Skopiowano numer referencyjny
wallet-option = Europejski portfel tożsamości cyfrowej
wallet-or = Albo wybierz kraj swojego krajowego środka eID:
wallet-title = Logowanie europejskim portfelem tożsamości cyfrowej
wallet-body = Otwórz portfel na tym urządzeniu i udostępnij swoje dane identyfikacyjne osoby (PID). Portfel przeniesie Cię potem z powrotem tutaj.
wallet-open = Otwórz mój portfel
wallet-qr-intro = Portfel jest na innym urządzeniu? Zeskanuj ten kod aplikacją portfela albo otwórz tam link.
wallet-qr-label = Kod QR dla Twojego portfela
wallet-cross-link = Link dla portfela na innym urządzeniu
wallet-waiting = Czekamy na Twój portfel…
wallet-continue = Odpowiedziałem(-am) w portfelu
