"""Short public links: /s/<code> (the form), per service /s/<code>?s=PASPOR."""

from django.urls import path

from zona.surveys.views import public

app_name = "survey_public"
urlpatterns = [
    path("<str:code>", public.public_form, name="form"),
    path("<str:code>/", public.public_form),
    path("<str:code>/thanks/", public.thanks, name="thanks"),
    path("<str:code>/results/", public.public_results, name="results"),
    path("<str:code>/kiosk/<str:key>/", public.kiosk, name="kiosk"),
]
