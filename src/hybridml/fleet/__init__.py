"""The embedded demo/test fleet: moto server start, seeding, simulator, and named patches for moto's gaps.

Importing this package is light; moto is imported only when a fleet is started.
"""
