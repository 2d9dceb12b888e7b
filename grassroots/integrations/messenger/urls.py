app_name = "messenger"

urlpatterns: list = []
