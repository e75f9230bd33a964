app_name = "join"

urlpatterns = []
