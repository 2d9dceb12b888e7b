"""What tests of several apps share, kept below every app so that any app's tests may
import it (the apps' tests may not import one another's)."""
