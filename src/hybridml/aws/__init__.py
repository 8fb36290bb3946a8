"""The only place the app talks to AWS (aiobotocore). Boto dicts stop here; no Textual imports."""
