//! SMO solver for epsilon-SVR and nu-SVR (to be written).
