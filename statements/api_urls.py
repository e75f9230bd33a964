from icnk.api import urls
from statements.api import api

app_name = "statements-api"

urlpatterns = urls(api)
