print("ebm-sweep")
