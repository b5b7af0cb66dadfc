// How the console words a duration in what it tells a user (a login grace,
// an idle timeout, a penalty): one wording for every place that says one.
#pragma once

#include <QString>

#include <chrono>

namespace Tincan {

// "30 s" for whole seconds, else "1500 ms", so a configured value reads back
// as it was given.
QString describeDuration(std::chrono::milliseconds duration);

} // namespace Tincan
