#pragma once
// One exception type crosses module boundaries. Messages are written for the
// person at the workstation: what is wrong, with which input, and what IRPlan
// did about it.
#include <stdexcept>
#include <string>

namespace irplan {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when the user (or a time limit) stops a long task. Callers treat it as
// a clean stop, not as a failure of the input.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
    explicit Cancelled(const std::string& message) : Error(message) {}
};

} // namespace irplan
