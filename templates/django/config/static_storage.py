"""Static files under hashed, compressed names, without failing pages before collectstatic."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """WhiteNoise's storage, except that a file `collectstatic` has not gathered yet keeps
    its plain name: the page still renders (the file answers 404) instead of a 500."""

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            return name
