from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_page, name="index"),
    path("template-<str:kind>.<str:fmt>", views.template_download, name="template"),
    path("batches/<int:pk>/undo/", views.batch_undo, name="undo"),
]
