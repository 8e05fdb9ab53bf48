// The opencse binary: wires the command line to the services. Everything else is in cli/.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) { return cse::RunCli(argc, argv, std::cout, std::cerr); }
