from icnk.api import urls
from members.api import api

app_name = "members-api"

urlpatterns = urls(api)
