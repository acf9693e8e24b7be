"""Account routes (Dutch paths): log in and out, password reset, invitations,
an organisation's own page, explanations and the staff review queue."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from account_pages import explanation_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:login"),
        ),
        name="password_reset_confirm",
    ),
    path("uitnodiging/<str:token>/", views.invitation, name="invitation"),
    path("organisatie/<slug:slug>/", views.organisation, name="organisation"),
    path("organisatie/<slug:slug>/uitnodigen/", views.invite, name="invite"),
    path(
        "organisatie/<slug:slug>/leden/<int:membership_id>/verwijderen/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "organisatie/<slug:slug>/uitleg/<str:standard>/",
        explanation_views.explain,
        name="explain",
    ),
    path("beoordelen/", explanation_views.review_queue, name="review_queue"),
    path("beoordelen/<int:explanation_id>/", explanation_views.review, name="review"),
]
