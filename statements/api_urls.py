app_name = "statements-api"

urlpatterns = []
