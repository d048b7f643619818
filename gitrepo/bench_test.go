package gitrepo_test

func removeBenchRepo() {}
