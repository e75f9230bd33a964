app_name = "members-api"

urlpatterns = []
