"""kg/link"""
