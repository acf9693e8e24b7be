"""Alert routes: subscribe (logged in) and the unsubscribe link from every alert."""

from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("organisatie/<slug:slug>/", views.subscribe, name="subscribe"),
    path("sector/<slug:sector>/", views.subscribe_sector, name="subscribe_sector"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
