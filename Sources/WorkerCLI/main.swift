print("ebm-worker")
