from danvan import create_app

app = create_app()
