def pytest_addoption(parser):
    parser.addoption("--capsim", required=True, help="the capsim program under test")
